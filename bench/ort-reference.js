// Runs an ONNX model with onnxruntime-node (the numerical oracle of
// docs/test-data.md) on float32 inputs given as raw little-endian files and
// writes each output as raw float32, in session.outputNames order.
//   node bench/ort-reference.js MODEL.onnx OUT_DIR NAME=FILE.bin:D0,D1,... ...
// NODE_PATH must reach onnxruntime-node (see bench/real-models.sh).
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

async function main() {
  const [model, outDir, ...specs] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model);
  const feeds = {};
  for (const spec of specs) {
    const [name, rest] = spec.split('=');
    const [file, dims] = rest.split(':');
    const buf = fs.readFileSync(file);
    const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    feeds[name] = new ort.Tensor('float32', data, dims.split(',').map(Number));
  }
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  session.outputNames.forEach((name, i) => {
    const t = results[name];
    fs.writeFileSync(path.join(outDir, `output_${i}.bin`), Buffer.from(t.data.buffer));
    fs.writeFileSync(path.join(outDir, `output_${i}.json`),
                     JSON.stringify({ name, dims: t.dims, type: t.type }));
  });
}
main().catch((e) => { console.error(e.message); process.exit(1); });
