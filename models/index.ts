/** @module models — model registry, ONNX scoring sessions and the model-serving API. Not built yet. */
export {};
