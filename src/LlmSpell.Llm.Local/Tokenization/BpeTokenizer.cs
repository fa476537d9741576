namespace LlmSpell.Llm.Local.Tokenization;

/// <summary>
/// llama.cpp's GPT-2 byte-level BPE tokenizer (llm_tokenizer_bpe): special tokens are cut out first, the rest is split by
/// the model's pre-tokenizer regex, each piece is written in byte-level characters, and within a piece the adjacent
/// pair with the lowest merge rank (leftmost on ties) is merged until no listed merge applies.
/// </summary>
public sealed class BpeTokenizer : ITokenizer
{
    private readonly Dictionary<(string Left, string Right), int> _ranks;

    /// <param name="vocabulary">The tokens; BPE token texts are in byte-level characters.</param>
    /// <param name="merges">The merges, highest priority first, each "left right" (<c>tokenizer.ggml.merges</c>).</param>
    /// <param name="preTokenizer">The regex split for <c>tokenizer.ggml.pre</c>.</param>
    public BpeTokenizer(Vocabulary vocabulary, IReadOnlyList<string> merges, PreTokenizer preTokenizer)
    {
        ArgumentNullException.ThrowIfNull(merges);
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        PreTokenizer = preTokenizer ?? throw new ArgumentNullException(nameof(preTokenizer));
        _ranks = new Dictionary<(string, string), int>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            // Searching from index 1, as llama.cpp does, lets a merge's left part itself be a space-like character.
            var merge = merges[rank];
            var space = merge.Length > 1 ? merge.IndexOf(' ', 1) : -1;
            if (space < 0) throw new ArgumentException($"merge #{rank} '{merge}' is not two tokens separated by a space", nameof(merges));
            _ranks.TryAdd((merge[..space], merge[(space + 1)..]), rank);
        }
    }

    public Vocabulary Vocabulary { get; }

    public PreTokenizer PreTokenizer { get; }

    public List<int> Encode(string text, bool addBos = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length / 3 + 2);
        if (addBos && Vocabulary.AddBos && Vocabulary.Bos >= 0) output.Add(Vocabulary.Bos);
        foreach (var fragment in SpecialTokenSplitter.Split(Vocabulary, text, parseSpecial))
        {
            if (fragment.IsToken)
            {
                output.Add(fragment.Token);
                continue;
            }
            foreach (var word in PreTokenizer.Split(fragment.Text)) EncodeWord(ByteLevelEncoding.Encode(word), output);
        }
        return output;
    }

    private void EncodeWord(string word, List<int> output)
    {
        if (PreTokenizer.IgnoreMerges && Vocabulary.TryGetId(word, out var whole))
        {
            output.Add(whole);
            return;
        }
        // Byte-level characters are all in the BMP: one char, one initial symbol. Symbols form a linked list; a queue
        // holds candidate pairs, lowest rank first and leftmost on ties, as in llama.cpp (and Hugging Face tokenizers).
        var n = word.Length;
        var text = new string[n];
        var prev = new int[n];
        var next = new int[n];
        for (var i = 0; i < n; i++)
        {
            text[i] = word[i].ToString();
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        var queue = new PriorityQueue<(int Left, int Right, string Merged), (int Rank, int Left)>();
        void TryAdd(int left, int right)
        {
            if (left < 0 || right < 0) return;
            if (_ranks.TryGetValue((text[left], text[right]), out var rank)) queue.Enqueue((left, right, text[left] + text[right]), (rank, left));
        }
        for (var i = 0; i + 1 < n; i++) TryAdd(i, i + 1);
        while (queue.TryDequeue(out var pair, out _))
        {
            // Stale: one side was merged away or grew since the pair was queued.
            if (text[pair.Left].Length == 0 || text[pair.Right].Length == 0 || next[pair.Left] != pair.Right ||
                !string.Equals(text[pair.Left] + text[pair.Right], pair.Merged, StringComparison.Ordinal)) continue;
            text[pair.Left] = pair.Merged;
            text[pair.Right] = "";
            next[pair.Left] = next[pair.Right];
            if (next[pair.Right] >= 0) prev[next[pair.Right]] = pair.Left;
            TryAdd(prev[pair.Left], pair.Left);
            TryAdd(pair.Left, next[pair.Left]);
        }
        var symbols = new List<string>();
        for (var i = n > 0 ? 0 : -1; i >= 0; i = next[i]) symbols.Add(text[i]);
        foreach (var symbol in symbols)
        {
            if (Vocabulary.TryGetId(symbol, out var id))
            {
                output.Add(id);
                continue;
            }
            // A merge result missing from the vocabulary (a broken file): fall back to its characters, as llama.cpp does.
            foreach (var c in symbol)
            {
                if (Vocabulary.TryGetId(c.ToString(), out var single)) output.Add(single);
                else if (Vocabulary.Unknown >= 0) output.Add(Vocabulary.Unknown);
            }
        }
    }
}
