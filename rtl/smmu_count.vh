// Event counters (cnt_*) that the testbench reads through the hierarchy: no register and no
// port of smmu_top shows them. They count in simulation and in formal; in synthesis (yosys
// defines SYNTHESIS) a counter keeps its reset value 0, so synthesis removes it (23 counters
// of 32 bits; measured at stop 28 in the default configuration: 367 CCU2C, about 390 LUT4 and
// 736 flip-flops).
`ifndef SMMU_COUNT_VH
`define SMMU_COUNT_VH
`ifdef SYNTHESIS
`define SMMU_COUNT(c, n) c <= c
`else
`define SMMU_COUNT(c, n) c <= c + (n)
`endif
`endif
