// Width of the CD bundle (the Context Descriptor fields the configuration engine
// hands to the walker; layout in smmu_cd.vh). A macro so port lists can use it
// before smmu_cd.vh is included inside the module body.
`ifndef SMMU_CD_W
`define SMMU_CD_W 163
`endif
