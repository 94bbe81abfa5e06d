`resetall
`timescale 1ns / 1ps
`default_nettype none

// Round-robin search without a modulo: the first set bit of `req` at or after
// index `from`, wrapping to the first set bit below it. Same result as
// scanning (from + n) % N for n = 0..N-1, but two priority encoders over a
// masked vector instead of N dynamically indexed reads (area and depth do not
// grow with the `%` on a non-power-of-2 N). Combinational.
module smmu_rr_first #(
    parameter N     = 4,                       // requesters (>= 1)
    parameter IDX_W = (N > 1) ? $clog2(N) : 1
) (
    input  wire [N-1:0]     req,
    input  wire [IDX_W-1:0] from,   // < N
    output reg              any,
    output reg  [IDX_W-1:0] idx
);

reg             hi_any;
reg [IDX_W-1:0] hi_idx, lo_idx;
always @* begin
    hi_any = 1'b0;
    hi_idx = {IDX_W{1'b0}};
    any    = 1'b0;
    lo_idx = {IDX_W{1'b0}};
    for (integer i = N - 1; i >= 0; i = i - 1) begin
        if (req[i] && i[IDX_W-1:0] >= from) begin
            hi_any = 1'b1;
            hi_idx = i[IDX_W-1:0];
        end
        if (req[i]) begin
            any    = 1'b1;
            lo_idx = i[IDX_W-1:0];
        end
    end
    idx = hi_any ? hi_idx : lo_idx;
end

endmodule

`resetall
