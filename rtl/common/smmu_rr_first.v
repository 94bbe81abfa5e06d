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

// Log depth: the lowest set bit of the chosen vector is isolated with a carry
// chain (v & -v) and encoded with one OR reduction per index bit (a loop that
// keeps the first match becomes a chain of N multiplexers).
reg [N-1:0] hi, pick, one;
always @* begin
    for (integer i = 0; i < N; i = i + 1)
        hi[i] = req[i] && i[IDX_W-1:0] >= from;
    any  = |req;
    pick = (|hi) ? hi : req;
    one  = pick & (~pick + 1'b1);
    for (integer b = 0; b < IDX_W; b = b + 1)
        idx[b] = |(one & bit_set(b));
end

// the indexes 0..N-1 whose bit b is set, as a mask
function [N-1:0] bit_set;
    input integer b;
    begin
        for (integer i = 0; i < N; i = i + 1)
            bit_set[i] = ((i >> b) % 2) != 0;
    end
endfunction

endmodule

`resetall
