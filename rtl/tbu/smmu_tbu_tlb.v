`resetall
`timescale 1ns / 1ps
`default_nettype none

// The TBU's two TLB levels (docs/architecture.md "Two-level TLB"):
// * the micro-TLB (smmu_tlb): two combinational lookup ports, used in the
//   s_axi handshake cycle of each direction (port 0 AR, port 1 AW);
// * the main TLB (smmu_mtlb, MTLB_SETS > 0): one probe port shared by the two
//   translation queues (a queue asks only for a transaction the micro-TLB did
//   not decide; when both ask in the same cycle they take turns, and the other
//   transaction takes the slow path), answered the cycle after to the queue
//   granted; a hit decides a micro-TLB miss in the TBU without asking the TCU.
// Both are filled from the TCU's walk results (the link's fill bus, registered
// here; the main TLB writes it the cycle after, the micro-TLB chooses its victim
// then and writes it the cycle after that (smmu_tlb's two fill stages); STE-bypass
// entries go to the micro-TLB only). A main-TLB hit a queue used (mf_*, one per direction) is also
// written into the micro-TLB, through a one-entry buffer that
// waits for a cycle without a link fill: read first when both directions
// use one in the same cycle (the other is dropped: it stays in the main TLB),
// and emptied by any invalidation (nothing looked up before one is installed
// after it). TLBI/CFGI apply to both levels in the cycle they arrive.
module smmu_tbu_tlb #(
    parameter TLB_ENTRIES = 32,
    parameter MTLB_SETS   = 256,   // 0: no main TLB
    parameter MTLB_WAYS   = 4,
    parameter MTLB_BLOCKS = 8,
    parameter SID_W       = 8,
    parameter SSID_W      = 8,
    parameter OAS_BITS    = 48
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    smmuen,

    // micro-TLB lookups (combinational), port 0 AR, port 1 AW
    input  wire [2*SID_W-1:0]      lk_sid,
    input  wire [2*SSID_W-1:0]     lk_ssid,
    input  wire [1:0]              lk_ssv,
    input  wire [127:0]            lk_va,
    output wire [1:0]              lk_hit,
    output wire [2*OAS_BITS-1:0]   lk_pa,
    output wire [9:0]              lk_perm,
    output wire [1:0]              lk_pan,
    output wire [1:0]              lk_byp,
    output wire [31:0]             lk_asid,
    output wire [1:0]              lk_ng,
    output wire [3:0]              lk_size,
    output wire [43:0]             lk_ax,

    // main-TLB probes (cycle T) and answers (T+1), port 0 AR, port 1 AW
    input  wire [1:0]              pr_valid,
    input  wire [2*SID_W-1:0]      pr_sid,
    input  wire [2*SSID_W-1:0]     pr_ssid,
    input  wire [1:0]              pr_ssv,
    input  wire [103:0]            pr_va,       // VA[63:12] per port
    input  wire [1:0]              pr_pnu,      // the access's AxPROT[0], AxPROT[2] per port
    input  wire [1:0]              pr_ind,
    output wire [1:0]              pr_grant,    // the probe asked for is made now
    output wire [1:0]              mt_hit,
    output wire [2*(OAS_BITS-12)-1:0] mt_pa,
    output wire [3:0]              mt_size,
    output wire [1:0]              mt_ng,
    output wire [9:0]              mt_perm,
    output wire [1:0]              mt_pan,
    output wire [31:0]             mt_asid,
    output wire [43:0]             mt_ax,
    output wire [1:0]              mt_tbi,
    output wire [1:0]              mt_ok,       // the hit allows the probed access (smmu_mtlb an_ok)

    // main-TLB hits the queues used, for the micro-TLB
    input  wire [1:0]              mf_valid,
    input  wire [2*SID_W-1:0]      mf_sid,
    input  wire [2*SSID_W-1:0]     mf_ssid,
    input  wire [1:0]              mf_ssv,
    input  wire [103:0]            mf_va,
    input  wire [1:0]              mf_tbi,
    input  wire [3:0]              mf_size,
    input  wire [31:0]             mf_asid,
    input  wire [1:0]              mf_ng,
    input  wire [2*(OAS_BITS-12)-1:0] mf_pa,
    input  wire [9:0]              mf_perm,
    input  wire [1:0]              mf_pan,
    input  wire [43:0]             mf_ax,

    // the link's fill bus (walk results, STE-bypass entries)
    input  wire                    fill_valid,
    input  wire                    fill_byp,
    input  wire [SID_W-1:0]        fill_sid,
    input  wire [SSID_W-1:0]       fill_ssid,
    input  wire                    fill_ssv,
    input  wire [63:12]            fill_va,
    input  wire                    fill_tbi,
    input  wire [1:0]              fill_size,
    input  wire [15:0]             fill_asid,
    input  wire                    fill_ng,
    input  wire [OAS_BITS-1:12]    fill_pa,
    input  wire [4:0]              fill_perm,
    input  wire                    fill_pan,
    input  wire [21:0]             fill_ax,

    // invalidation
    input  wire                    tlbi_valid,
    input  wire [7:0]              tlbi_op,
    input  wire [15:0]             tlbi_asid,
    input  wire [63:12]            tlbi_va,
    input  wire                    cfgi_valid,
    input  wire [31:0]             cfgi_sid,
    input  wire [31:0]             cfgi_mask,

    output wire [31:0]             cnt_fills    // micro-TLB fills
);

localparam PW = OAS_BITS - 12;
wire inv = tlbi_valid || cfgi_valid;
// The link's fill is registered here and written the cycle after (the walk
// result's path from the TCU's walkers does not also cross the micro-TLB's
// victim choice). An invalidation, or SMMUEN = 0, in any cycle until it is written
// drops it, so no translation walked before an invalidation is installed after it
// (smmu_tlb and smmu_mtlb drop a fill in an invalidation cycle; smmu_tlb's second
// stage also drops one with fill_en = 0).
reg                  fq_v;
reg                  fq_byp, fq_ssv, fq_tbi, fq_ng, fq_pan;
reg  [SID_W-1:0]     fq_sid;
reg  [SSID_W-1:0]    fq_ssid;
reg  [63:12]         fq_va;
reg  [1:0]           fq_size;
reg  [15:0]          fq_asid;
reg  [OAS_BITS-1:12] fq_pa;
reg  [4:0]           fq_perm;
reg  [21:0]          fq_ax;
always @(posedge clk) begin
    fq_v <= !rst && fill_valid && smmuen && !inv;
    if (fill_valid)   // payload: no reset (read only with fq_v)
        {fq_byp, fq_sid, fq_ssid, fq_ssv, fq_va, fq_tbi, fq_size, fq_asid, fq_ng, fq_pa, fq_perm, fq_pan, fq_ax} <=
            {fill_byp, fill_sid, fill_ssid, fill_ssv, fill_va, fill_tbi, fill_size, fill_asid, fill_ng, fill_pa,
             fill_perm, fill_pan, fill_ax};
end
wire l_fill = fq_v && smmuen;                // a link fill written this cycle

// ---------------------------------------------------------- local fill buffer (main-TLB hits)
// {sid, ssid, ssv, va, tbi, size, asid, ng, pa, perm, pan, ax}
localparam LF_W = SID_W + SSID_W + 1 + 52 + 1 + 2 + 16 + 1 + PW + 5 + 1 + 22;
wire            mf_pick = !mf_valid[0];      // the direction loaded: reads first
wire [LF_W-1:0] mf_word [0:1];
genvar d;
generate
    for (d = 0; d < 2; d = d + 1) begin : g_mf
        assign mf_word[d] = {mf_sid[d*SID_W +: SID_W], mf_ssid[d*SSID_W +: SSID_W], mf_ssv[d],
                             mf_va[d*52 +: 52], mf_tbi[d], mf_size[d*2 +: 2], mf_asid[d*16 +: 16], mf_ng[d],
                             mf_pa[d*PW +: PW], mf_perm[d*5 +: 5], mf_pan[d], mf_ax[d*22 +: 22]};
    end
endgenerate
reg             lf_v;
reg [LF_W-1:0]  lf_d;
wire            lf_go = lf_v && !l_fill && !inv && smmuen;   // written into the micro-TLB now
always @(posedge clk) begin
    if (rst)
        lf_v <= 1'b0;
    else if (inv || !smmuen)
        lf_v <= 1'b0;
    else if (|mf_valid && (!lf_v || lf_go))
        lf_v <= 1'b1;
    else if (lf_go)
        lf_v <= 1'b0;
    if (!lf_v || lf_go)
        lf_d <= mf_word[mf_pick];
end
wire [SID_W-1:0]  lf_sid;
wire [SSID_W-1:0] lf_ssid;
wire              lf_ssv, lf_tbi, lf_ng, lf_pan;
wire [63:12]      lf_va;
wire [1:0]        lf_size;
wire [15:0]       lf_asid;
wire [PW-1:0]     lf_pa;
wire [4:0]        lf_perm;
wire [21:0]       lf_ax;
assign {lf_sid, lf_ssid, lf_ssv, lf_va, lf_tbi, lf_size, lf_asid, lf_ng, lf_pa, lf_perm, lf_pan, lf_ax} = lf_d;

// ---------------------------------------------------------- micro-TLB
smmu_tlb #(.ENTRIES(TLB_ENTRIES), .NLK(2), .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS)) tlb_inst (
    .clk(clk), .rst(rst),
    .lk_sid(lk_sid), .lk_ssid(lk_ssid), .lk_ssv(lk_ssv), .lk_va(lk_va),
    .lk_hit(lk_hit), .lk_pa(lk_pa), .lk_perm(lk_perm), .lk_pan(lk_pan), .lk_byp(lk_byp),
    .lk_asid(lk_asid), .lk_ng(lk_ng), .lk_size(lk_size), .lk_ax(lk_ax),
    .fill_valid(l_fill || lf_go),
    .fill_byp(l_fill && fq_byp),
    .fill_sid(l_fill ? fq_sid : lf_sid), .fill_ssid(l_fill ? fq_ssid : lf_ssid),
    .fill_ssv(l_fill ? fq_ssv : lf_ssv), .fill_va(l_fill ? fq_va : lf_va),
    .fill_tbi(l_fill ? fq_tbi : lf_tbi), .fill_size(l_fill ? fq_size : lf_size),
    .fill_asid(l_fill ? fq_asid : lf_asid), .fill_ng(l_fill ? fq_ng : lf_ng),
    .fill_pa(l_fill ? fq_pa : lf_pa), .fill_perm(l_fill ? fq_perm : lf_perm),
    .fill_pan(l_fill ? fq_pan : lf_pan), .fill_ax(l_fill ? fq_ax : lf_ax),
    .fill_en(smmuen),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .cnt_fills(cnt_fills)
);

// ---------------------------------------------------------- main TLB
generate
    if (MTLB_SETS > 0) begin : g_mtlb
        // one probe port: reads first, except that after a cycle where both asked and the
        // read was made, the write goes first the next time both ask
        reg  wr_first, an_dir;
        wire both = pr_valid[0] && pr_valid[1];
        wire g_wr = pr_valid[1] && (!pr_valid[0] || wr_first);
        assign pr_grant = {g_wr, pr_valid[0] && !g_wr};
        always @(posedge clk)
            if (rst) begin
                wr_first <= 1'b0;
                an_dir   <= 1'b0;
            end else begin
                if (both)
                    wr_first <= !g_wr;
                an_dir <= g_wr;
            end
        wire              a_hit, a_ng, a_pan, a_tbi, a_ok;
        wire [PW-1:0]     a_pa;
        wire [1:0]        a_size;
        wire [4:0]        a_perm;
        wire [15:0]       a_asid;
        wire [21:0]       a_ax;
        smmu_mtlb #(.SETS(MTLB_SETS), .WAYS(MTLB_WAYS), .BLOCKS(MTLB_BLOCKS), .NP(1), .SID_W(SID_W),
                    .SSID_W(SSID_W), .OAS_BITS(OAS_BITS)) mtlb_inst (
            .clk(clk), .rst(rst),
            .pr_valid(|pr_valid),
            .pr_sid(g_wr ? pr_sid[SID_W +: SID_W] : pr_sid[0 +: SID_W]),
            .pr_ssid(g_wr ? pr_ssid[SSID_W +: SSID_W] : pr_ssid[0 +: SSID_W]),
            .pr_ssv(g_wr ? pr_ssv[1] : pr_ssv[0]),
            .pr_va(g_wr ? pr_va[52 +: 52] : pr_va[0 +: 52]),
            .pr_rnw(!g_wr), .pr_pnu(g_wr ? pr_pnu[1] : pr_pnu[0]), .pr_ind(g_wr ? pr_ind[1] : pr_ind[0]),
            .an_ok(a_ok), .an_hit(a_hit), .an_pa(a_pa), .an_size(a_size), .an_ng(a_ng), .an_perm(a_perm),
            .an_pan(a_pan), .an_asid(a_asid), .an_ax(a_ax), .an_tbi(a_tbi),
            .fill_valid(l_fill && !fq_byp && !inv), .fill_sid(fq_sid), .fill_ssid(fq_ssid),
            .fill_ssv(fq_ssv), .fill_va(fq_va), .fill_tbi(fq_tbi), .fill_size(fq_size),
            .fill_asid(fq_asid), .fill_ng(fq_ng), .fill_pa(fq_pa), .fill_perm(fq_perm),
            .fill_pan(fq_pan), .fill_ax(fq_ax),
            .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
            .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask)
        );
        // the answer goes to the queue whose probe was made (an_hit is 0 without a probe)
        assign mt_hit  = {a_hit && an_dir, a_hit && !an_dir};
        assign mt_pa   = {2{a_pa}};
        assign mt_size = {2{a_size}};
        assign mt_ng   = {2{a_ng}};
        assign mt_perm = {2{a_perm}};
        assign mt_pan  = {2{a_pan}};
        assign mt_asid = {2{a_asid}};
        assign mt_ax   = {2{a_ax}};
        assign mt_tbi  = {2{a_tbi}};
        assign mt_ok   = {2{a_ok}};
    end else begin : g_no_mtlb
        assign pr_grant = pr_valid;   // every probe "made", every answer a miss (nothing waits)
        assign mt_hit  = 2'b00;
        assign mt_pa   = {(2*PW){1'b0}};
        assign mt_size = 4'd0;
        assign mt_ng   = 2'b00;
        assign mt_perm = 10'd0;
        assign mt_pan  = 2'b00;
        assign mt_asid = 32'd0;
        assign mt_ax   = 44'd0;
        assign mt_tbi  = 2'b00;
        assign mt_ok   = 2'b00;
        wire unused_pr = &{1'b0, pr_sid, pr_ssid, pr_ssv, pr_va, pr_pnu, pr_ind};
    end
endgenerate

// ---------------------------------------------------------- formal (yosys-sby only)
`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen && !rst) begin
    assert(!(lf_go && inv));                      // a buffered main-TLB hit never lands during an invalidation
    if (MTLB_SETS == 0) assert(mf_valid == 2'b00);
end
`endif

endmodule

`resetall
