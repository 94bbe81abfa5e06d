`resetall
`timescale 1ns / 1ps
`default_nettype none

// Per-AXI-ID count of transactions outstanding downstream (issue on AR/AW,
// completion on RLAST/B), used by the read and write paths for the per-ID
// ordering rule with locally answered transactions.
//
// It also tracks, per ID, how many of them were issued before the latest
// invalidation (TLBI/CFGI) or with a translation made stale by one
// (iss_stale): CMD_SYNC waits (sync_block) until those have completed, so an
// invalidation completes only once every transaction that may have used an
// invalidated translation is finished (IHI 0070 3.21). Responses of one ID
// come back in order, so the first completions of an ID are the older ones.
module smmu_id_cnt #(
    parameter ID_W  = 4,
    parameter CNT_W = 8
) (
    input  wire            clk,
    input  wire            rst,

    input  wire            iss,        // a transaction of iss_id goes downstream
    input  wire [ID_W-1:0] iss_id,
    input  wire            iss_stale,  // ... with a translation looked up before an invalidation
    input  wire            cmp,        // the last response of a transaction of cmp_id
    input  wire [ID_W-1:0] cmp_id,
    input  wire            inv,        // TLBI or CFGI

    input  wire [ID_W-1:0] q_id,
    output wire            q_zero,     // nothing of q_id outstanding
    output wire            q_full,     // the counter of q_id is saturated
    output reg  [(1<<ID_W)-1:0] idle,  // per ID: nothing outstanding (registered)

    output reg             sync_block
);

localparam NID = 1 << ID_W;

reg [CNT_W-1:0] out_cnt [0:NID-1];
reg [CNT_W-1:0] old_cnt [0:NID-1];

assign q_zero = idle[q_id];   // (idle[g] is out_cnt[g] == 0, kept as a register)
assign q_full = out_cnt[q_id] == {CNT_W{1'b1}};

always @* begin
    sync_block = 1'b0;
    for (integer i = 0; i < NID; i = i + 1)
        if (old_cnt[i] != {CNT_W{1'b0}})
            sync_block = 1'b1;
end

genvar g;
generate
    for (g = 0; g < NID; g = g + 1) begin : gen_id
        wire            up   = iss && iss_id == g;
        wire            down = cmp && cmp_id == g && out_cnt[g] != {CNT_W{1'b0}};
        wire [CNT_W-1:0] next = out_cnt[g] + {{(CNT_W-1){1'b0}}, up} - {{(CNT_W-1){1'b0}}, down};
        always @(posedge clk) begin
            if (rst) begin
                out_cnt[g] <= {CNT_W{1'b0}};
                old_cnt[g] <= {CNT_W{1'b0}};
                idle[g]    <= 1'b1;
            end else begin
                out_cnt[g] <= next;
                idle[g]    <= next == {CNT_W{1'b0}};
                if (inv)
                    old_cnt[g] <= next;
                else
                    old_cnt[g] <= old_cnt[g] + {{(CNT_W-1){1'b0}}, up && iss_stale}
                                             - {{(CNT_W-1){1'b0}}, down && old_cnt[g] != {CNT_W{1'b0}}};
            end
        end
    end
endgenerate

`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen)
    for (integer i = 0; i < NID; i = i + 1)
        assert(idle[i] == (out_cnt[i] == {CNT_W{1'b0}}));   // the registered zero flag is exact
`endif

endmodule

`resetall
