using System.Text;

namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>
/// llama.cpp's SentencePiece tokenizer (llm_tokenizer_spm): split into UTF-8 characters, repeatedly merge the
/// adjacent pair whose merged text is the highest-scoring token, and fall back to byte tokens for what is left.
/// </summary>
public sealed class SentencePieceTokenizer(Vocabulary vocabulary) : ITokenizer
{
    private const char SpaceMarker = '\u2581';

    public Vocabulary Vocabulary { get; } = vocabulary;

    /// <summary>
    /// Tokenises <paramref name="text"/> as llama.cpp does: BOS first (when the model asks for it), a space prefix before
    /// the text and after each special token, spaces as '▁'.
    /// </summary>
    public List<int> Encode(string text, bool addBos = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length + 2);
        if (addBos && Vocabulary.AddBos) output.Add(Vocabulary.Bos);
        if (text.Length == 0) return output;
        var afterSpecial = true;
        foreach (var fragment in SpecialTokenSplitter.Split(Vocabulary, text, parseSpecial))
        {
            if (fragment.IsToken)
            {
                output.Add(fragment.Token);
                afterSpecial = true;
                continue;
            }
            var prepared = (Vocabulary.AddSpacePrefix && afterSpecial ? " " + fragment.Text : fragment.Text).Replace(' ', SpaceMarker);
            new Session(Vocabulary, Encoding.UTF8.GetBytes(prepared)).Tokenize(output);
            afterSpecial = false;
        }
        return output;
    }

    private struct Symbol
    {
        public int Prev;
        public int Next;
        public int Start;
        public int Length;
    }

    private readonly record struct Bigram(int Left, int Right, float Score, int Size);

    /// <summary>Highest score first; on equal scores the leftmost pair, as llama.cpp's comparator orders them.</summary>
    private sealed class BigramOrder : IComparer<Bigram>
    {
        public static readonly BigramOrder Instance = new();

        public int Compare(Bigram x, Bigram y)
        {
            var byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : x.Left.CompareTo(y.Left);
        }
    }

    private sealed class Session(Vocabulary vocab, byte[] text)
    {
        private readonly List<Symbol> _symbols = new(text.Length);
        private readonly PriorityQueue<Bigram, Bigram> _queue = new(BigramOrder.Instance);
        private readonly Dictionary<string, (int Left, int Right)> _revMerge = new(StringComparer.Ordinal);

        public void Tokenize(List<int> output)
        {
            var offset = 0;
            var index = 0;
            while (offset < text.Length)
            {
                var len = Math.Min(Utf8Length(text[offset]), text.Length - offset);
                _symbols.Add(new Symbol { Start = offset, Length = len, Prev = index - 1, Next = offset + len == text.Length ? -1 : index + 1 });
                offset += len;
                index++;
            }
            for (var i = 1; i < _symbols.Count; i++) TryAddBigram(i - 1, i);

            while (_queue.TryDequeue(out var bigram, out _))
            {
                var left = _symbols[bigram.Left];
                var right = _symbols[bigram.Right];
                if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != bigram.Size) continue;
                left.Length += right.Length;
                right.Length = 0;
                left.Next = right.Next;
                if (right.Next >= 0)
                {
                    var after = _symbols[right.Next];
                    after.Prev = bigram.Left;
                    _symbols[right.Next] = after;
                }
                _symbols[bigram.Left] = left;
                _symbols[bigram.Right] = right;
                TryAddBigram(left.Prev, bigram.Left);
                TryAddBigram(bigram.Left, left.Next);
            }

            for (var i = 0; i != -1; i = _symbols[i].Next) Resegment(_symbols[i], output);
        }

        private void TryAddBigram(int left, int right)
        {
            if (left == -1 || right == -1) return;
            var start = _symbols[left].Start;
            var size = _symbols[left].Length + _symbols[right].Length;
            var piece = Text(start, size);
            if (!vocab.TryGetId(piece, out var id)) return;
            var bigram = new Bigram(left, right, vocab.Scores[id], size);
            _queue.Enqueue(bigram, bigram);
            _revMerge[piece] = (left, right);
        }

        private void Resegment(Symbol symbol, List<int> output)
        {
            var piece = Text(symbol.Start, symbol.Length);
            if (vocab.TryGetId(piece, out var id))
            {
                output.Add(id);
                return;
            }
            if (!_revMerge.TryGetValue(piece, out var parts))
            {
                for (var j = 0; j < symbol.Length; j++)
                {
                    var byteToken = vocab.ByteToken(text[symbol.Start + j]);
                    output.Add(byteToken >= 0 ? byteToken : vocab.Unknown);
                }
                return;
            }
            Resegment(_symbols[parts.Left], output);
            Resegment(_symbols[parts.Right], output);
        }

        private string Text(int start, int length) => Encoding.UTF8.GetString(text, start, length);

        /// <summary>The length of a UTF-8 sequence from its lead byte (llama.cpp's unicode_len_utf8).</summary>
        private static int Utf8Length(byte lead) => (lead >> 4) switch
        {
            < 0xC => 1,
            0xC or 0xD => 2,
            0xE => 3,
            _ => 4,
        };
    }
}
