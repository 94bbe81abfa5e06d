`resetall
`timescale 1ns / 1ps
`default_nettype none

// Round-robin choice among N requesters: the first requester after the one
// granted last. `pick` is combinational from `req`; `take` says the pick was
// used this cycle, which moves the priority on.
module smmu_rr_pick #(
    parameter N     = 2,                       // requesters (>= 1)
    parameter IDX_W = (N > 1) ? $clog2(N) : 1  // bits of an index
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [N-1:0]     req,
    input  wire             take,
    output wire [IDX_W-1:0] pick,
    output wire             pick_valid
);

localparam [IDX_W-1:0] LAST_INIT = IDX_W'(N - 1);

reg  [IDX_W-1:0] last_reg;
wire [IDX_W-1:0] from = (last_reg == LAST_INIT) ? {IDX_W{1'b0}} : last_reg + 1'b1;

smmu_rr_first #(.N(N), .IDX_W(IDX_W)) first_inst (
    .req(req), .from(from), .any(pick_valid), .idx(pick)
);

always @(posedge clk) begin
    if (rst)
        last_reg <= LAST_INIT;
    else if (take && pick_valid)
        last_reg <= pick;
end

endmodule

`resetall
