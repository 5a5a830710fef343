//===- GraphBase.td - The graph dialect --------------------*- tablegen -*-===//
//
// Framework-level operations on tensors: one op per framework op (ONNX, TOSA,
// linalg named ops), static shapes after shape inference. Graph
// optimization, fusion and placement work at this level.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_DIALECT_GRAPH_IR_GRAPHBASE_TD
#define PAGODA_DIALECT_GRAPH_IR_GRAPHBASE_TD

include "mlir/IR/OpBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let summary = "Framework-level operations on tensors";
  let description = [{
    The `graph` dialect holds a model as it comes from a framework: one
    operation per framework operator, with the framework's semantics
    (numpy-style broadcasting, ONNX convolution attributes). Every op carries
    its source node name as its location. Passes at this level infer shapes,
    fold constants, fuse ops into kernel groups and place each group on the
    NPU or the host.
  }];
  let cppNamespace = "::pagoda::graph";
  let hasConstantMaterializer = 1;
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, traits>;

// Element types the graph level accepts: floats, signless integers (signed
// ONNX integers, and i1 for booleans) and unsigned integers (ONNX uint*).
def Graph_Tensor : RankedTensorOf<[AnyFloat, AnySignlessInteger, AnyUnsignedInteger]>;

// Verifies numpy-style broadcasting between the two operands and the result.
def Graph_BroadcastElementwise
    : NativeOpTrait<"BroadcastElementwise"> {
  let cppNamespace = "::pagoda::graph::OpTrait";
}

#endif // PAGODA_DIALECT_GRAPH_IR_GRAPHBASE_TD
