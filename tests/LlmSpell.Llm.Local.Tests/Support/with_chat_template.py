"""Copies a GGUF with tokenizer.chat_template set (uses shared/tools/gguf_tool.py's reader): with_chat_template.py TOOL_DIR SRC OUT TEMPLATE_FILE"""
import struct, sys

sys.path.insert(0, sys.argv[1])
import gguf_tool as g

src, out, template = sys.argv[2], sys.argv[3], open(sys.argv[4], encoding="utf-8").read()
version, kvs, tensors, data_start, data = g.read_gguf(src)
kvs = [kv for kv in kvs if kv[0] != "tokenizer.chat_template"] + [("tokenizer.chat_template", g.STR, template)]
header = g.GGUF_MAGIC + struct.pack("<IQQ", version, len(tensors), len(kvs))
for k, t, v in kvs:
    header += g.enc_string(k) + struct.pack("<I", t) + g.enc_value(t, v)
for name, dims, tt, off in tensors:
    header += g.enc_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", tt, off)
align = next((v for k, t, v in kvs if k == "general.alignment"), 32)
with open(out, "wb") as f:
    f.write(header + b"\0" * ((-len(header)) % align) + data[data_start:])
