`resetall
`timescale 1ns / 1ps
`default_nettype none

// One entry of a translation queue's pending table (smmu_xlt_q instantiates PEND of them, entry
// index E): its state machine, written one case per state, and the per-entry fields the
// table's scans read in every entry at once. The payload read at one index (address, attributes,
// output address, attribute transform) stays in the queue's LUT RAMs.
//
// States: NEW (needs the configuration lookup), CFG (lookup asked), WALK (waiting for walk slot
// `slot`), EVT (fault record to write), READY (outcome known), STALL (stalled, waiting for
// software). The queue's choices name an entry by index (free_idx, sel_idx, cq_idx, c_resp_idx,
// ev_idx, ...); each entry compares them with E. Allocation (push) and departure (leave) come
// after the state's case: an entry leaving is READY, one allocated is invalid.
//
// Same-ID order: nold counts the pending entries of this entry's ID that entered before it
// (smmu_xlt_q "Same-ID order"); a departure is subtracted the cycle after (lv_*), and old_zero
// subtracts it already.
//
// Invalidation scope (smmu_inv.vh) on partial tags: VA[PVA_HI:12] and the low PASID_W bits of
// the ASID; the bits not kept are taken from the invalidation itself (they match), so an
// invalidation covers at least what the full compare covers (covering more is always safe:
// the decision is made again) at a third of the flip-flops and comparators. A READY decision
// not yet used (commit = 0) follows the TLB's rule for its own entries; a fault waiting in EVT
// is covered by any page of the walk's 1 GiB / 512 GiB region, any ASID (the fault may stem
// from a table).
module smmu_xlt_ent #(
    parameter ID_W     = 4,
    parameter SID_W    = 8,
    parameter SLOT_W   = 1,
    parameter PIDX_W   = 3,
    parameter IN_ORDER = 0,
    parameter RNW      = 1,
    parameter E        = 0,    // this entry's index
    parameter PVA_HI   = 23,
    parameter PASID_W  = 8
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  smmuen,
    input  wire                  gbpa_abort,

    // the stage transaction enters the table (push, at free_idx) with its decision
    input  wire                  push,
    input  wire [PIDX_W-1:0]     free_idx,
    input  wire [PIDX_W:0]       n_same,      // pending entries of its ID now
    input  wire [ID_W-1:0]       st_id,
    input  wire [PVA_HI:12]      st_va,
    input  wire                  st_oob,      // the address is beyond the OAS
    input  wire [SID_W-1:0]      st_sid,
    input  wire                  st_pnu,      // the client's AxPROT[0], AxPROT[2]
    input  wire                  st_ind,
    input  wire                  st_ready,    // decided (TLB, GBPA, main TLB): READY
    input  wire                  st_fg,       // decided by GBPA: final
    input  wire                  st_down,
    input  wire                  st_raz,
    input  wire                  st_xl,       // a stage-1 translation ...
    input  wire [PASID_W-1:0]    st_asid,     // ... its ASID (partial), nG and size
    input  wire                  st_ng,
    input  wire [1:0]            st_size,
    // the entry leaves through the output (sel_idx chosen) / a departure of last cycle
    input  wire                  leave,
    input  wire [PIDX_W-1:0]     sel_idx,
    input  wire                  lv_v,
    input  wire [ID_W-1:0]       lv_id,
    // W data parked (PARK=1) / its configuration record went to the event queue
    input  wire                  park_take,
    input  wire [PIDX_W-1:0]     park_idx,
    input  wire                  rec_pop,
    input  wire [2:0]            rec_pop_seq,
    // configuration request (cq_idx) taken, the GBPA decision (SMMUEN=0), the answer
    input  wire [PIDX_W-1:0]     cq_idx,
    input  wire                  c_req_ready,
    input  wire                  gb_go,
    input  wire                  c_cancel,
    input  wire [PIDX_W-1:0]     c_cancel_idx,
    input  wire                  c_resp_valid,
    input  wire [PIDX_W-1:0]     c_resp_idx,
    input  wire [2:0]            ans_kind,
    input  wire [SLOT_W-1:0]     ans_slot,
    input  wire [3:0]            ans_cdf,     // {PAN, S, R, A}
    input  wire [PASID_W-1:0]    ans_asid,
    input  wire                  ans_rec,
    input  wire [2:0]            ans_rseq,
    input  wire [3:0]            ans_pio,     // the STE's {INSTCFG, PRIVCFG}
    // walk results
    input  wire                  w_done,
    input  wire [SLOT_W-1:0]     w_slot,
    input  wire [2:0]            w_fault,
    input  wire [4:0]            w_perm,
    input  wire                  w_stale,
    input  wire                  w_ng,
    input  wire [1:0]            w_size,
    // the walk result's copy port wrote this entry (cp_idx)
    input  wire                  cp_any,
    input  wire [PIDX_W-1:0]     cp_idx,
    // the record taken, the stall unit's action
    input  wire                  ev_take,
    input  wire [PIDX_W-1:0]     ev_idx,
    input  wire                  act,         // the action names this entry
    input  wire [1:0]            act_kind,    // 0 retry, 1 abort, 2 RAZ/WI
    // TLBI / CFGI this cycle
    input  wire                  tlbi_valid,
    input  wire [7:0]            tlbi_op,
    input  wire [15:0]           tlbi_asid,
    input  wire [63:12]          tlbi_va,
    input  wire                  tlbi_leaf,
    input  wire                  cfgi_valid,
    input  wire [31:0]           cfgi_sid,
    input  wire [31:0]           cfgi_mask,

    output reg                   v,
    // (binary: yosys' FSM pass would recode it one-hot, once every reader compares it with a
    // constant: +72 FF and about +370 LUT4 per queue, 2 more logic levels, measured at stop 30)
    (* fsm_encoding = "none" *)
    output reg  [2:0]            state,
    output reg  [PIDX_W:0]       nold,
    output wire                  old_zero,    // nothing older of its ID is pending
    output wire                  lv_dec,      // last cycle's departure is subtracted now
    output reg  [ID_W-1:0]       id,
    output reg  [SID_W-1:0]      ent_sid,
    output reg                   down,
    output reg                   raz,
    output reg                   pva,         // the output address is the input address
    output reg                   commit,      // the decision is final
    output reg  [SLOT_W-1:0]     slot,
    output reg  [2:0]            fc,          // the fault (FLT_* / FC_*)
    output reg                   park,
    output reg                   stl,         // the fault in EVT stalls (read in EVT only)
    output reg  [1:0]            size,
    output reg                   csel,        // the transform's upper bits are the queue's p_cax
    output reg                   wsel,        // the output address and transform [5:0] are the walk's
    output reg                   wb,          // ... not copied yet (in the walk slot's buffer)
    output reg                   rwait,       // its configuration record is still buffered
    output reg  [3:0]            pio
);

`include "smmu_inv.vh"

`include "smmu_xlt.vh"   // P_*, ANS_*, ACT_*, FLT_*, FC_*
localparam CDF_PAN = 3, CDF_S = 2, CDF_R = 1, CDF_A = 0;
localparam [PIDX_W-1:0] ME = E;

reg                 oob, pnu, ind, xl, ng;
reg [PVA_HI:12]     va;
reg [PASID_W-1:0]   asid;
reg [3:0]           cdf;
reg [2:0]           rseq;

// the walk's permission check with this entry's PnU/InD overrides
wire walk_ok;
wire [1:0] unused_eff;
smmu_perm perm_inst (
    .is_read(RNW != 0), .perm(w_perm), .pan(cdf[CDF_PAN]), .pio(pio), .pnu(pnu), .ind(ind),
    .eff_pnu(unused_eff[0]), .eff_ind(unused_eff[1]), .ok(walk_ok)
);

// this cycle's invalidation covers a READY decision (cov_rdy) / a fault in EVT (cov_evt)
wire [47:12] x_va   = {tlbi_va[47:PVA_HI+1], va};
wire [15:0]  x_asid = {tlbi_asid[15:PASID_W], asid};
wire cfgi_cov = cfgi_valid && cfgi_covers({{(32-SID_W){1'b0}}, ent_sid}, cfgi_sid, cfgi_mask);
wire cov_rdy  = cfgi_cov ||
                (tlbi_valid && xl && tlbi_covers_xlt(tlbi_op, tlbi_asid, tlbi_va, x_asid, ng, size, x_va));
wire cov_evt  = cfgi_cov ||
                (tlbi_valid && xl && tlbi_covers_walk(tlbi_op, tlbi_asid, tlbi_va, tlbi_leaf, x_asid, x_va) != 2'b00);

assign lv_dec   = lv_v && (IN_ORDER != 0 || id == lv_id);
assign old_zero = nold == {(PIDX_W+1){1'b0}} || (lv_dec && nold == {{PIDX_W{1'b0}}, 1'b1});

function [2:0] flt_fc;
    input [2:0] f;
    flt_fc = (f == FLT_TRANSLATION || f == FLT_ADDR_SIZE || f == FLT_ACCESS) ? f : FC_EABT;
endfunction

// the entry ends in a fault: record it (EVT) or terminate it at once
task automatic to_fault;
    input [2:0] f;
    input [3:0] d;
    begin
        fc    <= f;
        down  <= 1'b0;
        raz   <= (f != FC_EABT) && !d[CDF_A];
        // F_WALK_EABT never stalls; a stall is always recorded (stl is read in EVT only)
        stl   <= (f != FC_EABT) && d[CDF_S];
        if (f == FC_EABT || d[CDF_R] || d[CDF_S])
            state <= P_EVT;
        else
            state <= P_READY;
    end
endtask

always @(posedge clk) begin
    if (rst) begin
        v      <= 1'b0;
        state  <= P_NEW;    // (read only while v)
        nold   <= {(PIDX_W+1){1'b0}};
        id     <= {ID_W{1'b0}};
        va     <= {(PVA_HI-11){1'b0}};
        ent_sid    <= {SID_W{1'b0}};
        pnu    <= 1'b0;
        ind    <= 1'b0;
        oob    <= 1'b0;
        pva    <= 1'b0;
        down   <= 1'b0;
        raz    <= 1'b0;
        commit <= 1'b0;
        slot   <= {SLOT_W{1'b0}};
        cdf    <= 4'd0;
        fc     <= 3'd0;
        park   <= 1'b0;
        stl    <= 1'b0;
        xl     <= 1'b0;
        asid   <= {PASID_W{1'b0}};
        ng     <= 1'b0;
        size   <= 2'd0;
        rwait  <= 1'b0;
        rseq   <= 3'd0;
        csel   <= 1'b0;
        wsel   <= 1'b0;
        wb     <= 1'b0;
    end else begin
        if (v && lv_dec)
            nold <= nold - 1'b1;
        if (park_take && park_idx == ME)
            park <= 1'b1;
        if (rwait && rec_pop && rec_pop_seq == rseq)
            rwait <= 1'b0;
        // the copy port wrote this entry's walk result (a walk ending for it now sets it again)
        if (cp_any && cp_idx == ME)
            wb <= 1'b0;

        // one case per state: at most one transition a cycle
        if (v) begin
            case (state)
                P_NEW:
                    if (!smmuen) begin
                        // SMMUEN 1->0: a transaction not yet looked up is decided by GBPA (the
                        // SMMU must not read the stream table with SMMUEN=0), one entry a cycle
                        // (the queue's p_cax write port: gb_go)
                        if (gb_go && cq_idx == ME) begin
                            state  <= P_READY;
                            down   <= !gbpa_abort && !oob;
                            raz    <= 1'b0;
                            pva    <= 1'b1;
                            commit <= 1'b1;
                            csel   <= 1'b1;          // {g_ovr, S1=0} ([5:0] unused)
                        end
                    end else if (c_req_ready && cq_idx == ME)
                        state <= P_CFG;              // configuration request accepted
                P_CFG:
                    if (c_cancel && c_cancel_idx == ME)
                        state <= P_NEW;              // never reached the TCU (SMMUEN=0): GBPA decides
                    else if (c_resp_valid && c_resp_idx == ME) begin
                        cdf  <= ans_cdf;
                        slot <= ans_slot;
                        // a walk result not copied before an invalidation or a retry sent the
                        // entry back is not needed: the slot number changes now
                        wsel <= 1'b0;
                        wb   <= 1'b0;
                        asid <= ans_asid;
                        xl   <= ans_kind == ANS_WALK || ans_kind == ANS_FAULT;
                        ng   <= 1'b1;
                        size <= 2'd0;            // (a walk's result sets it)
                        // S1 = 1: [5:0] come with the walk's result (unused with S1 = 0)
                        csel <= 1'b1;                // {ans_ovr, S1}: the queue's p_cax
                        pio  <= ans_pio;
                        case (ans_kind)
                            ANS_ABORT: begin
                                state  <= P_READY;
                                down   <= 1'b0;
                                raz    <= 1'b0;
                                commit <= 1'b1;
                                // leaves once its record is with the event queue (the buffer
                                // holds <= 4: a sequence 1..4 behind has gone)
                                rseq   <= ans_rseq;
                                rwait  <= ans_rec && !(rec_pop && rec_pop_seq == ans_rseq) &&
                                          !(3'(rec_pop_seq - ans_rseq) >= 3'd1 &&
                                            3'(rec_pop_seq - ans_rseq) <= 3'd4);
                            end
                            ANS_BYPASS: begin
                                state <= P_READY;
                                down  <= 1'b1;
                                raz   <= 1'b0;      // (read only without down)
                                pva   <= 1'b1;
                            end
                            ANS_FAULT: to_fault(FLT_TRANSLATION, ans_cdf);
                            ANS_WALK:  state <= P_WALK;
                            default:   state <= P_NEW;   // retry
                        endcase
                    end
                P_WALK:
                    // decided at the walk's end: an invalidation that covered the walk
                    // (smmu_walk w_stale, this cycle's included) sends the entry back
                    if (w_done && w_slot == slot) begin
                        // the PA's base, or the FetchAddr of a fault: the queue's sb_pa[slot]
                        wsel <= !w_stale;
                        wb   <= !w_stale;
                        if (w_stale)
                            state <= P_NEW;
                        else if (w_fault != 3'd0)
                            to_fault(flt_fc(w_fault), cdf);
                        else if (walk_ok) begin
                            // [5:0] of the transform: the walk's (wsel)
                            state <= P_READY;
                            down  <= 1'b1;
                            raz   <= 1'b0;
                            ng    <= w_ng;
                            size  <= w_size;
                            pva   <= 1'b0;
                        end else
                            to_fault(FC_PERMISSION, cdf);
                    end
                P_EVT:
                    if (!smmuen && stl) begin
                        // SMMUEN=0: a fault still waiting for its stall tag is aborted (no record)
                        state  <= P_READY;
                        down   <= 1'b0;
                        raz    <= 1'b0;
                        commit <= 1'b1;
                    end else if (ev_take && ev_idx == ME) begin
                        // record handed to the event queue: the outcome is final (or, for a
                        // stall record, the entry waits for software)
                        state  <= stl ? P_STALL : P_READY;
                        commit <= 1'b1;
                    end else if (cov_evt)
                        state <= P_NEW;
                P_READY:
                    // a decision not yet used is made again (one entering the conversion stage
                    // this cycle leaves: the stage marks it stale)
                    if (cov_rdy && !commit)
                        state <= P_NEW;
                P_STALL:
                    if (!smmuen) begin
                        // SMMUEN=0: a stalled transaction is aborted (the stall unit drops
                        // every tag in the same cycle)
                        state  <= P_READY;
                        down   <= 1'b0;
                        raz    <= 1'b0;
                        commit <= 1'b1;
                    end else if (act) begin
                        // stall ended: retried, aborted or terminated RAZ/WI
                        down <= 1'b0;
                        raz  <= act_kind == ACT_RAZ;
                        if (act_kind == ACT_RETRY) begin
                            state  <= P_NEW;
                            commit <= 1'b0;
                        end else
                            state  <= P_READY;
                    end
                default: state <= P_NEW;
            endcase
        end

        // leaves through the output (its walk result needs no copy)
        if (leave && sel_idx == ME) begin
            v  <= 1'b0;
            wb <= 1'b0;
        end

        // the stage transaction enters the table
        if (push && free_idx == ME) begin
            v      <= 1'b1;
            nold   <= n_same;
            park   <= 1'b0;
            id     <= st_id;
            va     <= st_va;
            ent_sid    <= st_sid;
            pnu    <= st_pnu;
            ind    <= st_ind;
            oob    <= st_oob;
            csel   <= 1'b0;
            wsel   <= 1'b0;
            wb     <= 1'b0;
            pva    <= 1'b0;
            down   <= st_down;
            raz    <= st_raz;
            commit <= st_fg;
            xl     <= st_xl;
            rwait  <= 1'b0;
            asid   <= st_asid;
            ng     <= st_ng;
            size   <= st_size;
            state  <= st_ready ? P_READY : P_NEW;
        end
    end
end

endmodule

`resetall
