"""Embedding the text: model directories, torch and ONNX backends, the ONNX export, the query-vector cache."""
