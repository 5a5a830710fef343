//===- ISATest.cpp - The instruction table, encoding and decoding ---------===//

#include "pagoda/ISA/ISA.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

using namespace pagoda;
using namespace pagoda::isa;

namespace {

std::vector<Opcode> allOpcodes() {
  std::vector<Opcode> ops;
  for (unsigned i = 1; i < kNumOpcodes; ++i)
    ops.push_back(static_cast<Opcode>(i));
  return ops;
}

/// An instruction of opcode `op` with random, valid operands.
Inst randomInst(Opcode op, std::mt19937_64 &rng) {
  Inst inst = makeInst(op);
  const InstInfo &info = instInfo(op);
  const FormatInfo &fmt = formatInfo(info.format);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (unsigned i = 0; i < fmt.numFields; ++i) {
    const FieldInfo &f = fmt.fields[i];
    int64_t maxU = f.bits >= 63 ? INT64_MAX : (int64_t(1) << f.bits) - 1;
    switch (f.kind) {
    case FieldKind::Reg:
      inst.f[i] = uniform(0, kNumRegs - 1);
      break;
    case FieldKind::UImm:
      inst.f[i] = uniform(0, maxU);
      break;
    case FieldKind::SImm:
      inst.f[i] = f.bits >= 64
                      ? int64_t(rng())
                      : uniform(-(int64_t(1) << (f.bits - 1)), (int64_t(1) << (f.bits - 1)) - 1);
      break;
    case FieldKind::DType: {
      std::vector<int64_t> allowed;
      for (unsigned t = 0; t < kNumDTypes; ++t)
        if (info.dtypes & dtBit(static_cast<DType>(t)))
          allowed.push_back(t);
      inst.f[i] = allowed[uniform(0, int64_t(allowed.size()) - 1)];
      break;
    }
    case FieldKind::DTypeArg:
      inst.f[i] = uniform(0, kNumDTypes - 1);
      break;
    case FieldKind::Pipe:
      inst.f[i] = uniform(0, op == Opcode::Barrier ? kPipeAll : target::kNumPipes - 1);
      if (inst.f[i] == target::kNumPipes)
        inst.f[i] = kPipeAll;
      break;
    case FieldKind::Cond:
      inst.f[i] = uniform(0, kNumConds - 1);
      break;
    case FieldKind::Round:
      inst.f[i] = uniform(0, kNumRounds - 1);
      break;
    case FieldKind::Quant:
      inst.f[i] = uniform(0, kNumQuants - 1);
      break;
    case FieldKind::Bool:
      inst.f[i] = uniform(0, 1);
      break;
    }
  }
  if (op == Opcode::SetFlag || op == Opcode::WaitFlag)
    while (inst[fields::Flag::Src] == inst[fields::Flag::Dst])
      inst.f[fields::Flag::Dst] = uniform(0, target::kNumPipes - 1);
  return inst;
}

TEST(ISATable, MnemonicsAreUniqueAndFound) {
  std::set<std::string> seen;
  for (Opcode op : allOpcodes()) {
    const InstInfo &info = instInfo(op);
    EXPECT_EQ(info.opcode, op);
    EXPECT_TRUE(seen.insert(info.mnemonic).second) << info.mnemonic;
    EXPECT_EQ(lookupMnemonic(info.mnemonic), op) << info.mnemonic;
    EXPECT_EQ(std::string(info.mnemonic).find('.'), std::string::npos) << info.mnemonic;
  }
  EXPECT_FALSE(lookupMnemonic("vfrobnicate"));
  EXPECT_EQ(instInfo(Opcode::Invalid).opcode, Opcode::Invalid);
  EXPECT_GE(kNumOpcodes, 90u);
}

TEST(ISATable, DTypeSuffixMatchesFormat) {
  for (Opcode op : allOpcodes()) {
    const InstInfo &info = instInfo(op);
    const FormatInfo &fmt = formatInfo(info.format);
    unsigned dtFields = 0;
    for (unsigned i = 0; i < fmt.numFields; ++i)
      dtFields += fmt.fields[i].kind == FieldKind::DType;
    EXPECT_LE(dtFields, 1u) << fmt.name;
    EXPECT_EQ(dtFields == 1, info.dtypes != 0) << info.mnemonic;
  }
}

TEST(ISATable, FormatsFitAndDefaultsAreValid) {
  for (Opcode op : allOpcodes()) {
    const FormatInfo &fmt = formatInfo(instInfo(op).format);
    EXPECT_LE(fmt.bits + 8, 128u) << fmt.name;
    for (unsigned i = 0; i < fmt.numFields; ++i)
      EXPECT_TRUE(fmt.fields[i].syntax == Syntax::Pos || fmt.fields[i].defaultValue != kRequired ||
                  fmt.fields[i].kind != FieldKind::Reg)
          << fmt.name << "." << fmt.fields[i].asmName;
  }
}

TEST(ISATable, PipesAndUnits) {
  EXPECT_EQ(instInfo(Opcode::Mmad).pipe, target::Pipe::M);
  EXPECT_EQ(instInfo(Opcode::DmaGmL1).pipe, target::Pipe::MTE2);
  EXPECT_EQ(instInfo(Opcode::DmaUbGm).pipe, target::Pipe::MTE3);
  EXPECT_EQ(instInfo(Opcode::Load2dL1L0A).pipe, target::Pipe::MTE1);
  EXPECT_EQ(instInfo(Opcode::FixL0cGm).pipe, target::Pipe::FIX);
  EXPECT_EQ(instInfo(Opcode::VAdd).pipe, target::Pipe::V);
  EXPECT_FALSE(instInfo(Opcode::SetFlag).pipe);
  EXPECT_TRUE(unitAllowed(Unit::Cube, CoreKind::Coupled));
  EXPECT_FALSE(unitAllowed(Unit::Cube, CoreKind::Vector));
  EXPECT_FALSE(unitAllowed(Unit::Vector, CoreKind::Cube));
  EXPECT_TRUE(unitAllowed(Unit::Any, CoreKind::Vector));

  Inst set = makeInst(Opcode::SetFlag);
  set.f[fields::Flag::Src] = int64_t(target::Pipe::MTE2);
  set.f[fields::Flag::Dst] = int64_t(target::Pipe::V);
  EXPECT_EQ(executionPipe(set), target::Pipe::MTE2);
  set.op = Opcode::WaitFlag;
  EXPECT_EQ(executionPipe(set), target::Pipe::V);
  Inst bar = makeInst(Opcode::Barrier);
  bar.f[fields::PipeOnly::P] = kPipeAll;
  EXPECT_EQ(executionPipe(bar), target::Pipe::S);
}

TEST(Encoding, EveryOpcodeRoundTrips) {
  std::mt19937_64 rng(42);
  for (Opcode op : allOpcodes()) {
    for (int trial = 0; trial < 50; ++trial) {
      Inst inst = randomInst(op, rng);
      ASSERT_FALSE(checkOperands(inst)) << print(inst) << ": " << *checkOperands(inst);
      Result<Encoded> enc = encode(inst);
      ASSERT_TRUE(enc.ok()) << enc.error().str();
      EXPECT_EQ((*enc)[0], static_cast<uint8_t>(op));
      Result<Inst> back = decode(enc->data(), enc->size(), 0);
      ASSERT_TRUE(back.ok()) << back.error().str();
      EXPECT_EQ(*back, inst) << print(inst) << " vs " << print(*back);
    }
  }
}

TEST(Encoding, ExtremeImmediates) {
  Inst movi = makeInst(Opcode::Movi);
  for (int64_t v : {INT64_MIN, INT64_MAX, int64_t(-1), int64_t(0)}) {
    movi.f[fields::RI64::Imm] = v;
    Result<Encoded> enc = encode(movi);
    ASSERT_TRUE(enc.ok());
    EXPECT_EQ(decode(enc->data(), 16, 0)->f[fields::RI64::Imm], v);
  }
  Inst addi = makeInst(Opcode::Addi);
  addi.f[fields::RRI::Imm] = int64_t(1) << 31; // one past the 32-bit range
  EXPECT_FALSE(encode(addi).ok());
  addi.f[fields::RRI::Imm] = -(int64_t(1) << 31);
  EXPECT_TRUE(encode(addi).ok());
}

TEST(Encoding, RejectsInvalidOperands) {
  Inst v = makeInst(Opcode::VExp);
  v.f[fields::VUn::DT] = int64_t(DType::S32); // vexp is float-only
  ASSERT_TRUE(checkOperands(v));
  EXPECT_NE(checkOperands(v)->find("dtype s32 is not accepted"), std::string::npos);

  Inst r = makeInst(Opcode::Add);
  r.f[fields::RRR::D] = 32;
  EXPECT_NE(checkOperands(r)->find("operand 'd' = 32 does not fit 5 bits"), std::string::npos);

  Inst set = makeInst(Opcode::SetFlag);
  set.f[fields::Flag::Src] = set.f[fields::Flag::Dst] = int64_t(target::Pipe::V);
  EXPECT_NE(checkOperands(set)->find("orders pipe v with itself"), std::string::npos);
  set.f[fields::Flag::Dst] = kPipeAll;
  EXPECT_NE(checkOperands(set)->find("'all' is for barrier"), std::string::npos);

  Inst cmp = makeInst(Opcode::VCmp);
  cmp.f[fields::VCmp::DT] = int64_t(DType::F16);
  cmp.f[fields::VCmp::Cond] = 6;
  EXPECT_NE(checkOperands(cmp)->find("is not a condition"), std::string::npos);
}

TEST(Decoding, ErrorsNameTheOffset) {
  std::vector<uint8_t> code(48, 0);
  Inst nop = makeInst(Opcode::Nop);
  Encoded e = *encode(nop);
  std::copy(e.begin(), e.end(), code.begin());
  std::copy(e.begin(), e.end(), code.begin() + 16);
  // Offset 0x20 is all zeros: opcode 0 is never valid.
  Result<std::vector<Inst>> all = decodeAll(code.data(), code.size());
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error().str(), "offset 0x20: unknown opcode 0x00");

  code[32] = 0xFF;
  EXPECT_EQ(decode(code.data(), code.size(), 32).error().str(), "offset 0x20: unknown opcode 0xff");

  // Truncated: 40 bytes is two and a half instructions.
  std::copy(e.begin(), e.end(), code.begin() + 32);
  Result<std::vector<Inst>> trunc = decodeAll(code.data(), 40);
  ASSERT_FALSE(trunc.ok());
  EXPECT_EQ(trunc.error().str(), "offset 0x20: truncated instruction (8 of 16 bytes)");

  // A nop with a stray bit beyond its (empty) format.
  Encoded stray = e;
  stray[9] = 0x10;
  EXPECT_EQ(decode(stray.data(), 16, 0).error().str(),
            "offset 0x0: nop: unused bits 8-127 are not zero");

  // vexp with an integer dtype, encoded by hand: dtype sits after 2 registers.
  Inst vexp = makeInst(Opcode::VExp);
  vexp.f[fields::VUn::DT] = int64_t(DType::F32);
  Encoded bad = *encode(vexp);
  bad[2] = uint8_t((bad[2] & ~0x3C) | (uint8_t(DType::S32) << 2)); // bits 18-21
  Result<Inst> d = decode(bad.data(), 16, 0);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().str(), "offset 0x0: vexp: dtype s32 is not accepted");
}

TEST(Decoding, NeverCrashesOnRandomBytes) {
  // Every 16-byte pattern either decodes to an instruction that re-encodes to
  // the same bytes, or is rejected with a message.
  std::mt19937_64 rng(7);
  int decoded = 0;
  for (int i = 0; i < 200000; ++i) {
    Encoded bytes;
    for (auto &b : bytes)
      b = uint8_t(rng());
    if (i % 2) // make the high bits zero more often, so more decode
      std::fill(bytes.begin() + 1 + int(rng() % 15), bytes.end(), 0);
    Result<Inst> inst = decode(bytes.data(), bytes.size(), 0);
    if (!inst.ok()) {
      EXPECT_FALSE(inst.error().str().empty());
      continue;
    }
    ++decoded;
    Result<Encoded> again = encode(*inst);
    ASSERT_TRUE(again.ok()) << print(*inst);
    EXPECT_EQ(*again, bytes) << print(*inst);
  }
  EXPECT_GT(decoded, 1000);
}

TEST(Printing, Examples) {
  Inst v = makeInst(Opcode::VAdd);
  v.f[fields::VBin::Dst] = 3;
  v.f[fields::VBin::Src0] = 1;
  v.f[fields::VBin::Src1] = 2;
  v.f[fields::VBin::DT] = int64_t(DType::F16);
  v.f[fields::VBin::Rep] = 8;
  EXPECT_EQ(print(v), "vadd.f16 x3, x1, x2, rep=8");

  Inst w = makeInst(Opcode::WaitFlag);
  w.f[fields::Flag::Src] = int64_t(target::Pipe::MTE2);
  w.f[fields::Flag::Dst] = int64_t(target::Pipe::MTE1);
  w.f[fields::Flag::Event] = 3;
  EXPECT_EQ(print(w), "waitf mte2, mte1, 3");

  Inst f = makeInst(Opcode::FixL0cGm);
  f.f[fields::Fix::DT] = int64_t(DType::F16);
  f.f[fields::Fix::M] = 32;
  f.f[fields::Fix::N] = 64;
  f.f[fields::Fix::SRows] = 32;
  f.f[fields::Fix::DStride] = 64;
  f.f[fields::Fix::Relu] = 1;
  EXPECT_EQ(print(f), "fix_l0c_gm.f16 x0, x0, m=32, n=64, srows=32, dstride=64, relu=1");
}

} // namespace
