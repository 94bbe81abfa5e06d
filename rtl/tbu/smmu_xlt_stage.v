`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_count.vh"

// Address stage of a translation queue (smmu_xlt_q): the s_axi address handshake, the
// decision the micro-TLB or GBPA makes in that cycle, and the main-TLB probe of a
// transaction the micro-TLB did not decide.
//
// A two-entry slice: out_d is the stage transaction the queue works on (st_*), tmp_d holds
// the next one while out_d waits (s_ready is !tmp_v, a register). The handshake cycle
// registers with the transaction
//   SMMUEN=0          bypass / abort from GBPA (smmu_decide): st_fg
//   TLB hit, allowed  translated, output address from the entry: st_ft
//   anything else     the slow path (the queue's table)
// An invalidation drops the TLB decision of a waiting stage transaction (st_ft): it is
// made again the slow way. The queue takes out_d with st_leave.
//
// Main-TLB probe: every cycle the transaction that may enter out_d next (tmp_d if held,
// else the s_axi request) is probed if the micro-TLB did not decide it (the port is shared
// with the other queue: pr_grant); mt_fresh says the answer of this cycle is out_d's (it
// entered last cycle with its probe made). The port is asked for (pr_valid) before the
// micro-TLB's answer is known (stop 31): the shared port's choice and read address then
// do not wait for the micro-TLB compare; a probe made for a transaction the micro-TLB
// decided is not used (pr_need), and a transaction that needs one and did not get the port
// waits for it (st_wait) as before. The answer is kept (mh_*) while out_d waits for
// the table, and dropped by any invalidation; e_* is the answer in effect. A transaction
// that entered wanting a probe the other queue got (st_wait) is probed from out_d and does
// not enter the table before its answer: at most a cycle or two, the shared port takes turns.
//
// Permissions (smmu_perm: PnU/InD after the STE's PRIVCFG/INSTCFG, IHI 0070 13.4, then the
// effective permissions and PAN) decide for both TLBs' hits: a micro-TLB hit that does not
// allow the access is not a decision (the slow path makes the fault), nor is such a main-TLB
// hit (mt_use: the main TLB decides the transaction entering the table; its entry goes to the
// micro-TLB, mf_*). The micro-TLB hit is checked here; the main TLB checks its own entries
// against the probe's PnU / InD / direction (pr_pnu, pr_ind; smmu_mtlb an_ok, stop 34), so
// its answer arrives with the check made (mt_ok, kept as mh_ok).
module smmu_xlt_stage #(
    parameter ID_W     = 4,
    parameter OAS_BITS = 48,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter ATTR_W   = 17,
    parameter RNW      = 1     // 1: reads, 0: writes (the permission checks)
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  smmuen,
    input  wire                  gbpa_abort,
    input  wire [14:0]           g_ovr,      // GBPA overrides (smmu_attr.vh OVR layout)
    input  wire                  inv,        // a TLBI or CFGI this cycle

    // s_axi address channel
    input  wire [ID_W-1:0]       s_id,
    input  wire [63:0]           s_addr,
    input  wire [7:0]            s_len,
    input  wire [ATTR_W-1:0]     s_attr,
    input  wire [SID_W-1:0]      s_sid,
    input  wire [SSID_W-1:0]     s_ssid,
    input  wire                  s_ssv,
    input  wire                  s_valid,
    output wire                  s_ready,

    // micro-TLB lookup of the s_axi request (combinational)
    input  wire                  lk_hit,
    input  wire                  lk_byp,
    input  wire [4:0]            lk_perm,    // the hit's permissions {PW, UR, UW, PX, UX}
    input  wire                  lk_pan,
    input  wire [OAS_BITS-1:0]   lk_pa,
    input  wire [15:0]           lk_asid,
    input  wire                  lk_ng,
    input  wire [1:0]            lk_size,
    input  wire [21:0]           lk_ax,

    // main-TLB probe and its answer the cycle after
    output wire                  pr_valid,
    output wire [SID_W-1:0]      pr_sid,
    output wire [SSID_W-1:0]     pr_ssid,
    output wire                  pr_ssv,
    output wire [63:12]          pr_va,
    output wire                  pr_pnu,     // its AxPROT[0] / AxPROT[2] (the main TLB checks them)
    output wire                  pr_ind,
    input  wire                  pr_grant,
    input  wire                  mt_hit,
    input  wire [OAS_BITS-1:12]  mt_pa,
    input  wire [1:0]            mt_size,
    input  wire                  mt_ng,
    input  wire [4:0]            mt_perm,
    input  wire                  mt_pan,
    input  wire [15:0]           mt_asid,
    input  wire [21:0]           mt_ax,
    input  wire                  mt_tbi,
    input  wire                  mt_ok,      // the hit allows the probed access (its PnU / InD)

    // the stage transaction
    output reg                   out_v,
    output wire                  st_wait,    // waits for its main-TLB probe
    input  wire                  st_leave,   // taken by the queue this cycle
    output wire                  st_ft,      // decided by the micro-TLB
    output wire                  st_fg,      // decided by GBPA
    output wire                  st_down,
    output wire                  st_raz,
    output wire [OAS_BITS-1:0]   st_pa,
    output wire [ID_W-1:0]       st_id,
    output wire [63:0]           st_addr,
    output wire [7:0]            st_len,
    output wire [ATTR_W-1:0]     st_attr,
    output wire [SID_W-1:0]      st_sid,
    output wire [SSID_W-1:0]     st_ssid,
    output wire                  st_ssv,
    output wire [21:0]           st_ax,
    output wire [15:0]           st_asid,
    output wire                  st_ng,
    output wire [1:0]            st_size,
    output wire                  st_xl,      // a stage-1 translation (asid, ng, size)
    // ... entering the queue's table this cycle (push): undecided, probed in the main TLB
    // (st_mt), whose hit decides it (mt_use; its entry for the micro-TLB, mf_*)
    input  wire                  push,
    output wire                  mt_use,
    output wire [SID_W-1:0]      mf_sid,
    output wire [SSID_W-1:0]     mf_ssid,
    output wire                  mf_ssv,
    output wire [63:12]          mf_va,
    output wire                  mf_tbi,
    output wire [1:0]            mf_size,
    output wire [15:0]           mf_asid,
    output wire                  mf_ng,
    output wire [OAS_BITS-1:12]  mf_pa,
    output wire [4:0]            mf_perm,
    output wire                  mf_pan,
    output wire [21:0]           mf_ax,

    output reg  [31:0]           cnt_lookups,   // micro-TLB lookups (SMMUEN=1 handshakes)
    output reg  [31:0]           cnt_hits,      // ... that hit
    output reg  [31:0]           cnt_mt_lookups,   // micro-TLB misses entering the table
    output reg  [31:0]           cnt_mt_hits       // ... decided by the main TLB
);

// {ft, fg, down, raz, pa, id, addr, len, attr, sid, ssid, ssv, ax, asid, ng, size, xl}
`include "smmu_attr.vh"   // AX_W: the attribute transform's width
localparam SW   = 4 + OAS_BITS + ID_W + 64 + 8 + ATTR_W + SID_W + SSID_W + 1 + AX_W + 20;
localparam B_FT = SW - 1;     // decided by the TLB (cleared by an invalidation)

wire g_bypass, g_raz, g_need;
smmu_decide #(.OAS_BITS(OAS_BITS)) decide_inst (
    .addr(s_addr), .smmuen(smmuen), .gbpa_abort(gbpa_abort),
    .bypass(g_bypass), .raz(g_raz), .need_cfg(g_need)
);

wire [1:0] unused_perm;
wire       lk_ok;
smmu_perm lk_perm_inst (
    .is_read(RNW != 0), .perm(lk_perm), .pan(lk_pan), .pio(lk_ax[AX_PIO +: 4]), .pnu(s_attr[4]), .ind(s_attr[6]),
    .eff_pnu(unused_perm[0]), .eff_ind(unused_perm[1]), .ok(lk_ok)
);
wire in_ft = g_need && lk_hit && (lk_byp || lk_ok) && !inv;
wire [SW-1:0] in_d = {in_ft, !g_need, (g_need ? 1'b1 : g_bypass), (g_need ? 1'b0 : g_raz),
                      (g_need ? lk_pa : s_addr[OAS_BITS-1:0]),
                      s_id, s_addr, s_len, s_attr, s_sid, s_ssid, s_ssv,
                      (g_need ? lk_ax : {g_ovr, 7'd0}),
                      lk_asid, lk_ng, lk_size, lk_hit && !lk_byp};

reg  [SW-1:0] out_d, tmp_d;
reg           tmp_v;
assign s_ready = !tmp_v;
assign {st_ft, st_fg, st_down, st_raz, st_pa, st_id, st_addr, st_len, st_attr, st_sid, st_ssid, st_ssv,
        st_ax, st_asid, st_ng, st_size, st_xl} = out_d;

// ---------------------------------------------------------------- main-TLB probe
localparam O_SSV  = 20 + AX_W;                  // field offsets in a stage word
localparam O_SSID = O_SSV + 1;
localparam O_SID  = O_SSID + SSID_W;
localparam O_ATTR = O_SID + SID_W;
localparam O_ADDR = O_ATTR + ATTR_W + 8;
reg  st_wait_reg;               // out_d wants its probe (lost the shared port)
// asked for without the micro-TLB's answer (pr_ask); needed unless the micro-TLB decided
// the s_axi request (in_ft)
wire pr_ask  = tmp_v ? !(tmp_d[B_FT] || tmp_d[B_FT-1]) : (s_valid && g_need);
wire pr_in   = pr_ask && (tmp_v || !in_ft);
wire pr_need = st_wait_reg || pr_in;   // the probe is needed (its answer is used)
assign st_wait  = st_wait_reg;
assign pr_valid = st_wait_reg || pr_ask;
assign pr_sid   = st_wait_reg ? st_sid  : tmp_v ? tmp_d[O_SID +: SID_W]   : s_sid;
assign pr_ssid  = st_wait_reg ? st_ssid : tmp_v ? tmp_d[O_SSID +: SSID_W] : s_ssid;
assign pr_ssv   = st_wait_reg ? st_ssv  : tmp_v ? tmp_d[O_SSV]            : s_ssv;
assign pr_va    = st_wait_reg ? st_addr[63:12] : tmp_v ? tmp_d[O_ADDR+12 +: 52] : s_addr[63:12];
assign pr_pnu   = st_wait_reg ? st_attr[4] : tmp_v ? tmp_d[O_ATTR+4] : s_attr[4];
assign pr_ind   = st_wait_reg ? st_attr[6] : tmp_v ? tmp_d[O_ATTR+6] : s_attr[6];

reg                 mt_fresh, mh_v, mh_ng, mh_pan, mh_tbi, mh_ok;
reg [OAS_BITS-1:12] mh_pa;
reg [1:0]           mh_size;
reg [4:0]           mh_perm;
reg [15:0]          mh_asid;
reg [21:0]          mh_ax;
// the answer in effect
wire e_hit    = mt_fresh ? mt_hit  : mh_v;
// the main TLB checked the permissions of the access it was probed for (out_d's: a kept
// answer is out_d's too), so only its "allowed" bit is selected here
wire e_ok     = mt_fresh ? mt_ok   : mh_ok;
assign mf_pa   = mt_fresh ? mt_pa   : mh_pa;
assign mf_size = mt_fresh ? mt_size : mh_size;
assign mf_ng   = mt_fresh ? mt_ng   : mh_ng;
assign mf_perm = mt_fresh ? mt_perm : mh_perm;
assign mf_pan  = mt_fresh ? mt_pan  : mh_pan;
assign mf_asid = mt_fresh ? mt_asid : mh_asid;
assign mf_ax   = mt_fresh ? mt_ax   : mh_ax;
assign mf_tbi  = mt_fresh ? mt_tbi  : mh_tbi;
assign mf_sid  = st_sid;
assign mf_ssid = st_ssid;
assign mf_ssv  = st_ssv;
assign mf_va   = st_addr[63:12];
wire   st_mt  = push && !(st_ft || st_fg) && smmuen;
assign mt_use = st_mt && e_hit && !inv && e_ok;

always @(posedge clk) begin
    if (rst) begin
        out_v       <= 1'b0;
        tmp_v       <= 1'b0;
        out_d       <= {SW{1'b0}};
        tmp_d       <= {SW{1'b0}};
        cnt_lookups <= 32'd0;
        cnt_hits    <= 32'd0;
        cnt_mt_lookups <= 32'd0;
        cnt_mt_hits    <= 32'd0;
        mt_fresh    <= 1'b0;
        st_wait_reg <= 1'b0;
        mh_v        <= 1'b0;
        mh_ng       <= 1'b0;
        mh_pan      <= 1'b0;
        mh_tbi      <= 1'b0;
        mh_ok       <= 1'b0;
        mh_pa       <= {(OAS_BITS-12){1'b0}};
        mh_size     <= 2'd0;
        mh_perm     <= 5'd0;
        mh_asid     <= 16'd0;
        mh_ax       <= 22'd0;
    end else begin
        if (s_valid && s_ready && g_need) begin
            `SMMU_COUNT(cnt_lookups, 1'b1);
            if (lk_hit)
                `SMMU_COUNT(cnt_hits, 1'b1);
        end
        if (st_mt)
            `SMMU_COUNT(cnt_mt_lookups, 1'b1);
        if (mt_use)
            `SMMU_COUNT(cnt_mt_hits, 1'b1);

        // the main-TLB answer of the stage transaction (while st_wait, out_d does not
        // leave: it is neither decided nor pushed)
        mt_fresh    <= pr_need && pr_grant && (st_wait_reg || !out_v || st_leave);
        st_wait_reg <= st_wait_reg ? !pr_grant : ((!out_v || st_leave) && pr_in && !pr_grant);
        if ((!out_v || st_leave) && (tmp_v || s_valid))
            mh_v <= 1'b0;               // a new stage transaction: its own answer, if any, comes next
        else if (mt_fresh) begin
            mh_v    <= mt_hit;
            mh_pa   <= mt_pa;
            mh_size <= mt_size;
            mh_ng   <= mt_ng;
            mh_perm <= mt_perm;
            mh_pan  <= mt_pan;
            mh_asid <= mt_asid;
            mh_ax   <= mt_ax;
            mh_tbi  <= mt_tbi;
            mh_ok   <= mt_ok;
        end else if (inv)
            mh_v <= 1'b0;

        // the two-entry slice
        if (!out_v || st_leave) begin
            if (tmp_v) begin
                out_d       <= tmp_d;
                out_d[B_FT] <= tmp_d[B_FT] && !inv;
                tmp_v       <= 1'b0;
            end else begin
                out_d <= in_d;
                out_v <= s_valid;
            end
        end else begin
            // a waiting stage transaction's TLB decision is made again the slow way
            if (inv)
                out_d[B_FT] <= 1'b0;
            if (s_valid && !tmp_v) begin
                tmp_d <= in_d;
                tmp_v <= 1'b1;
            end
        end
        if (tmp_v && inv)
            tmp_d[B_FT] <= 1'b0;
    end
end

`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen)
    assert(!tmp_v || out_v);                                 // the slice loses nothing
`endif

endmodule

`resetall
