"""Max abs error and max error relative to the output's range of each
output in OUT_DIR against WANT_DIR (npy files of the same names)."""
import sys, os, numpy as np
out, want = sys.argv[1], sys.argv[2]
for f in sorted(os.listdir(want)):
    a = np.load(os.path.join(out, f)).astype(np.float64)
    b = np.load(os.path.join(want, f)).astype(np.float64)
    err = np.abs(a - b)
    scale = max(np.abs(b).max(), 1e-30)
    print(f"  {f[:-4]}: max abs error {err.max():.3g}, relative to max |ref| {err.max() / scale:.3g}, "
          f"mean abs error {err.mean():.3g}")
