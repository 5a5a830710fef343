# lit configuration for pagoda's tests (test/ mirrors lib/ and tools/).
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "pagoda"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "unittests", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.pagoda_obj_root, "test")

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Scripts that need python3-onnx/numpy name Debian's interpreter.
config.substitutions.append(("%host_python", config.host_python))
config.substitutions.append(("%pagoda_src_root", config.pagoda_src_root))
config.substitutions.append(("%pagoda_bin", config.pagoda_tools_dir))

llvm_config.add_tool_substitutions(
    ["pagoda-opt", "pagoda", "pagoda-test-make-model"], [config.pagoda_tools_dir])
