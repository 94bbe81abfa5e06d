// smmu_top sources in compile order (paths relative to the repository root)
rtl/smmu_skid.v
rtl/smmu_fifo.v
rtl/smmu_rr_pick.v
rtl/smmu_qptr.v
rtl/smmu_decide.v
rtl/smmu_regs.v
rtl/smmu_tlb.v
rtl/smmu_ptw.v
rtl/smmu_walk.v
rtl/smmu_xlt_q.v
rtl/smmu_rd_path.v
rtl/smmu_wr_path.v
rtl/smmu_tw_rd_arb.v
rtl/smmu_cfg.v
rtl/smmu_cmdq.v
rtl/smmu_evtq.v
rtl/smmu_top.v
