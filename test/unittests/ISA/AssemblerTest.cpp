//===- AssemblerTest.cpp - Assembly text, code files, disassembly ---------===//

#include "pagoda/ISA/Program.h"

#include <gtest/gtest.h>

#include <random>

using namespace pagoda;
using namespace pagoda::isa;

namespace {

#define EXPECT_HAS(haystack, needle)                                                               \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

std::string assembleError(const std::string &text) {
  Result<std::vector<Program>> r = assemble(text, "t.s");
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().str();
}

const char *kLoop = R"(
.kernel count   # a comment
.core aiv
    movi x1, 10          ; another comment
top: addi x1, x1, -1     // and another
    bne x1, x0, top
    jmp done
    nop
done:
    halt
)";

TEST(Assembler, LabelsResolveToRelativeOffsets) {
  Result<std::vector<Program>> r = assemble(kLoop, "loop.s");
  ASSERT_TRUE(r.ok()) << r.error().str();
  ASSERT_EQ(r->size(), 1u);
  const Program &p = (*r)[0];
  EXPECT_EQ(p.kernel, "count");
  EXPECT_EQ(p.core, CoreKind::Vector);
  ASSERT_EQ(p.insts.size(), 6u);
  EXPECT_EQ(p.insts[2].op, Opcode::Bne);
  EXPECT_EQ(p.insts[2][fields::Branch::Off], -1);
  EXPECT_EQ(p.insts[3][fields::Jump::Off], 2);
  EXPECT_EQ(p.lines[1], 5u);
}

TEST(Assembler, EveryPrintedInstructionReassembles) {
  // print() and assemble() agree for every opcode with random operands.
  std::mt19937_64 rng(3);
  std::string text = ".kernel all\n.core coupled\n";
  std::vector<Inst> expected;
  for (unsigned op = 1; op < kNumOpcodes; ++op) {
    Inst inst = makeInst(static_cast<Opcode>(op));
    const FormatInfo &fmt = inst.format();
    for (unsigned i = 0; i < fmt.numFields; ++i) {
      const FieldInfo &f = fmt.fields[i];
      if (f.kind == FieldKind::Reg)
        inst.f[i] = int64_t(rng() % 32);
      else if (f.kind == FieldKind::UImm && f.bits <= 32)
        inst.f[i] = int64_t(rng() % (uint64_t(1) << f.bits));
      else if (f.kind == FieldKind::DType)
        for (unsigned t = 0; t < kNumDTypes; ++t)
          if (inst.info().dtypes & dtBit(static_cast<DType>(t)))
            inst.f[i] = t; // the last accepted dtype
    }
    if (inst.op == Opcode::SetFlag || inst.op == Opcode::WaitFlag)
      inst.f[fields::Flag::Dst] = int64_t(target::Pipe::V);
    if (inst.op == Opcode::VCvt)
      inst.f[fields::VCvt::From] = int64_t(DType::F32);
    ASSERT_FALSE(checkOperands(inst)) << *checkOperands(inst);
    text += "  " + print(inst) + "\n";
    expected.push_back(inst);
  }
  Result<std::vector<Program>> r = assemble(text, "all.s");
  ASSERT_TRUE(r.ok()) << r.error().str();
  ASSERT_EQ((*r)[0].insts.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ((*r)[0].insts[i], expected[i]) << print(expected[i]);
}

TEST(Assembler, NamedOperandsInAnyOrderAndDefaults) {
  Result<std::vector<Program>> r =
      assemble(".kernel k\n.core aic\n dma_gm_l1 x1, x2, dgap=3, len=0x10\n", "t.s");
  ASSERT_TRUE(r.ok()) << r.error().str();
  const Inst &i = (*r)[0].insts[0];
  EXPECT_EQ(i[fields::Dma::Len], 16);
  EXPECT_EQ(i[fields::Dma::DGap], 3);
  EXPECT_EQ(i[fields::Dma::NBurst], 1); // default
  EXPECT_EQ(print(i), "dma_gm_l1 x1, x2, len=16, dgap=3");
}

TEST(Assembler, MixedKernelHasOneProgramPerCore) {
  Result<std::vector<Program>> r =
      assemble(".kernel mm\n.core aic\n mmad.f16 x1, x2, x3, m=16, k=16, n=16, init=1\n halt\n"
               ".core aiv\n vexp.f32 x1, x2\n halt\n.kernel other\n.core aiv\n halt\n",
               "t.s");
  ASSERT_TRUE(r.ok()) << r.error().str();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].core, CoreKind::Cube);
  EXPECT_EQ((*r)[1].core, CoreKind::Vector);
  EXPECT_EQ((*r)[2].kernel, "other");
}

TEST(Assembler, ErrorsNameLineAndProblem) {
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  vfoo.f16 x1, x2\n"),
            "t.s:3: unknown instruction 'vfoo'");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  vexp x1, x2\n"),
            "t.s:3: 'vexp' needs a dtype suffix such as .f16, got 'vexp'");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  vexp.s32 x1, x2\n"),
            "t.s:3: vexp: dtype s32 is not accepted");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  nop.f16\n"),
            "t.s:3: 'nop' takes no dtype suffix");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  add x1, x2\n"),
            "t.s:3: 'add' needs operand 'b' (right operand)");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  add x1, x2, x3, x4\n"),
            "t.s:3: too many operands for 'add'");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  add x1, x2, x32\n"),
            "t.s:3: operand 'b': expected a register x0-x31, got 'x32'");
  EXPECT_HAS(assembleError(".kernel k\n.core aiv\n  vadd.f16 x1, x2, x3, rpt=2\n"),
             "t.s:3: 'vadd' has no operand 'rpt' (operands: dst, src0, src1, rep,");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  vadd.f16 x1, x2, x3, rep=256\n"),
            "t.s:3: vadd: operand 'rep' = 256 does not fit 8 bits");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  vadd.f16 x1, x2, x3, rep=1, rep=2\n"),
            "t.s:3: operand 'rep' given twice");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  bne x1, x0, nowhere\n"),
            "t.s:3: undefined label 'nowhere'");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\na:\na: nop\n"), "t.s:4: label 'a' defined twice");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  mmad.f16 x1, x2, x3, m=16, k=16, n=16\n"),
            "t.s:3: 'mmad' runs on the cube unit; not available in an aiv program");
  EXPECT_EQ(assembleError("  nop\n"), "t.s:1: instruction outside a .core section");
  EXPECT_EQ(assembleError(".core aic\n"), "t.s:1: .core before any .kernel");
  EXPECT_EQ(assembleError(".kernel k\n.core gpu\n"),
            "t.s:2: .core takes aic, aiv or coupled, got 'gpu'");
  EXPECT_EQ(assembleError(".kernel k\n.section x\n"),
            "t.s:2: unknown directive '.section' (expected .kernel or .core)");
  EXPECT_EQ(assembleError(""), "t.s: no program (expected .kernel NAME and .core aic|aiv|coupled)");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  setf v, v, 0\n"),
            "t.s:3: setf: orders pipe v with itself; use barrier");
  EXPECT_EQ(assembleError(".kernel k\n.core aiv\n  setf v, all, 0\n"),
            "t.s:3: setf: operand 'dst' = 7 is not a pipe here ('all' is for barrier)");
  // Every error is reported, not only the first.
  Result<std::vector<Program>> many =
      assemble(".kernel k\n.core aiv\n  foo\n  bar\n  add x1\n", "t.s");
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().messages.size(), 4u) << many.error().str();
}

TEST(CodeFile, RoundTripAndCorruption) {
  Result<std::vector<Program>> progs = assemble(kLoop, "loop.s");
  ASSERT_TRUE(progs.ok());
  Result<std::vector<uint8_t>> bytes = writeCodeFile(*progs);
  ASSERT_TRUE(bytes.ok());
  Result<std::vector<Program>> back = readCodeFile(bytes->data(), bytes->size(), "f.pco");
  ASSERT_TRUE(back.ok()) << back.error().str();
  EXPECT_EQ(*back, *progs);
  EXPECT_EQ(*writeCodeFile(*back), *bytes); // deterministic bytes

  // Any single flipped byte is caught (by the checksum or a field check).
  for (size_t i = 0; i < bytes->size(); ++i) {
    std::vector<uint8_t> bad = *bytes;
    bad[i] ^= 0x5A;
    EXPECT_FALSE(readCodeFile(bad.data(), bad.size(), "f.pco").ok()) << "byte " << i;
  }
  // Every truncation is rejected.
  for (size_t n = 0; n < bytes->size(); ++n)
    EXPECT_FALSE(readCodeFile(bytes->data(), n, "f.pco").ok()) << n;

  std::vector<uint8_t> bad = *bytes;
  bad[0] = 'X';
  EXPECT_EQ(readCodeFile(bad.data(), bad.size(), "f.pco").error().str(),
            "f.pco: offset 0x0: not a pagoda code file (bad magic)");
  bad = *bytes;
  bad[40] ^= 1;
  EXPECT_HAS(readCodeFile(bad.data(), bad.size(), "f.pco").error().str(), "checksum mismatch");
}

TEST(Disassembler, ListsOffsetsEncodingsAndTargets) {
  Result<std::vector<Program>> progs = assemble(kLoop, "loop.s");
  ASSERT_TRUE(progs.ok());
  std::string text = disassemble((*progs)[0]);
  EXPECT_HAS(text, "kernel count core aiv (6 instructions)\n");
  EXPECT_HAS(text, "  000020:  1f01fcffffff03000000000000000000  bne x1, x0, -1    # -> 000010\n");
  EXPECT_HAS(disassemble((*progs)[0], false), "  000050:  halt\n");
}

} // namespace
