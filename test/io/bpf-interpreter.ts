// Just enough of the kernel's classic BPF interpreter (net/core/filter.c) to run our programs on
// frames in unit tests: absolute loads, the packet-type ancillary load, jeq and ret.
import type { BpfInstruction } from '../../src/io/bpf.ts';

const SKF_AD_PKTTYPE_K = 0x1_0000_0000 - 0x1000 + 4;

export interface FrameMeta {
  /** sll_pkttype: 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing. */
  readonly pktType: number;
}

/** The number of bytes the filter keeps (0 = drop). Throws on an opcode it does not model. */
export function runFilter(program: readonly BpfInstruction[], frame: Uint8Array, meta: FrameMeta): number {
  let a = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const insn = program[pc]!;
    const size = { 0x20: 4, 0x28: 2, 0x30: 1 }[insn.code];
    if (size !== undefined) {
      if (insn.k === SKF_AD_PKTTYPE_K && size === 4) {
        a = meta.pktType;
        continue;
      }
      // An out-of-bounds load ends the program with "drop", as in the kernel.
      if (insn.k + size > frame.length) return 0;
      a = 0;
      for (let i = 0; i < size; i++) a = a * 256 + frame[insn.k + i]!;
    } else if (insn.code === 0x15) {
      pc += a === insn.k ? insn.jt : insn.jf;
    } else if (insn.code === 0x06) {
      return insn.k;
    } else {
      throw new Error(`opcode 0x${insn.code.toString(16)} at ${pc} is not modelled`);
    }
  }
  throw new Error('program fell off the end (the kernel rejects such programs)');
}
