// smmu_top sources in compile order (paths relative to the repository root).
// rtl/common: building blocks; rtl/tbu: the translation buffer unit (client AXI paths,
// TLB, translation slots); rtl/tcu: the translation control unit (registers, configuration,
// walkers, command / event queues, stall tags); rtl/*.vh: shared definitions (rtl/ is the
// include directory). docs/architecture.md "Source tree".
rtl/common/smmu_skid.v
rtl/common/smmu_fifo.v
rtl/common/smmu_rr_first.v
rtl/common/smmu_popcnt.v
rtl/common/smmu_rr_pick.v
rtl/common/smmu_qptr.v
rtl/common/smmu_id_cnt.v
rtl/tbu/smmu_decide.v
rtl/tbu/smmu_tlb.v
rtl/tbu/smmu_xlt_out.v
rtl/tbu/smmu_perm.v
rtl/tbu/smmu_xlt_stage.v
rtl/tbu/smmu_xlt_rec.v
rtl/tbu/smmu_xlt_ent.v
rtl/tbu/smmu_xlt_conv.v
rtl/tbu/smmu_xlt_mem.v
rtl/tbu/smmu_xlt_creq.v
rtl/tbu/smmu_xlt_park.v
rtl/tbu/smmu_xlt_tbl.v
rtl/tbu/smmu_xlt_q.v
rtl/tbu/smmu_rd_path.v
rtl/tbu/smmu_wr_path.v
rtl/tcu/smmu_regs.v
rtl/tcu/smmu_ptw.v
rtl/tcu/smmu_wcache.v
rtl/tbu/smmu_mtlb_blk.v
rtl/tbu/smmu_mtlb.v
rtl/tbu/smmu_tbu_tlb.v
rtl/tcu/smmu_walk_slots.v
rtl/tcu/smmu_walk.v
rtl/tcu/smmu_stallq.v
rtl/tcu/smmu_tw_rd_arb.v
rtl/tcu/smmu_ste_dec.v
rtl/tcu/smmu_cd_dec.v
rtl/tcu/smmu_cfg_fetch.v
rtl/tcu/smmu_cfg_evt.v
rtl/tcu/smmu_cfg.v
rtl/tcu/smmu_cmdq.v
rtl/tcu/smmu_evtq.v
rtl/tbu/smmu_tbu_link.v
rtl/tbu/smmu_tbu.v
rtl/common/smmu_link_check.v
rtl/tcu/smmu_tcu_inv_ack.v
rtl/tcu/smmu_tcu_cfg_req.v
rtl/tcu/smmu_tcu_evt.v
rtl/tcu/smmu_tcu_check.v
rtl/tcu/smmu_tcu.v
rtl/smmu_top.v
