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

// Log depth: the requests at or after `from` (hi) and all requests are
// encoded side by side, each by a binary tree of 2:1 choices (IDX_W levels:
// a pair's index is its lower half's if that half has a request, else its
// upper half's with the level's bit set), and the result is picked at the
// end by |hi. With no request the index is 0.
localparam P = 1 << IDX_W;   // the tree's leaves (>= N)

function [IDX_W-1:0] first_set;
    input [N-1:0] v;
    reg   [P-1:0]       a;   // level k: group g has a request
    reg   [P*IDX_W-1:0] x;   // level k: the group's first request (its low k bits)
    begin
        a = {P{1'b0}};
        a[N-1:0] = v;
        x = {(P*IDX_W){1'b0}};
        for (integer k = 0; k < IDX_W; k = k + 1) begin
            for (integer g = 0; g < (P >> (k + 1)); g = g + 1) begin
                // (in place: group g of this level is written after groups 2g and
                // 2g+1 of the last level are read; g <= 2g)
                if (a[2*g] || !a[2*g+1])
                    x[g*IDX_W +: IDX_W] = x[2*g*IDX_W +: IDX_W];
                else
                    x[g*IDX_W +: IDX_W] = x[(2*g+1)*IDX_W +: IDX_W] | (IDX_W'(1) << k);
                a[g] = a[2*g] || a[2*g+1];
            end
        end
        first_set = x[0 +: IDX_W];
    end
endfunction

reg [N-1:0] hi;
always @* begin
    for (integer i = 0; i < N; i = i + 1)
        hi[i] = req[i] && i[IDX_W-1:0] >= from;
    any = |req;
    idx = (|hi) ? first_set(hi) : first_set(req);
end

// ---------------------------------------------------------------- formal
// Checked by yosys-sby only (in every formal task that reads this file): the
// result is the modulo scan it replaces.
`ifdef FORMAL
reg             f_found;
reg [IDX_W-1:0] f_idx;
always @* begin
    f_found = 1'b0;
    f_idx   = {IDX_W{1'b0}};
    for (integer n = 0; n < N; n = n + 1)
        if (!f_found && req[(from + n) % N]) begin
            f_found = 1'b1;
            f_idx   = IDX_W'((from + n) % N);
        end
    if ({{(31-IDX_W){1'b0}}, from} < N) begin
        assert(any == f_found);
        assert(idx == f_idx);
    end
end
`endif

endmodule

`resetall
