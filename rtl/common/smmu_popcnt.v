`resetall
`timescale 1ns / 1ps
`default_nettype none

// Population count of N bits as a balanced adder tree (groups of 4 bits, then
// pairwise sums), not the chain of N increments a counting loop becomes.
// Combinational.
module smmu_popcnt #(
    parameter N = 24,                  // bits counted (>= 1)
    parameter W = $clog2(N + 1)        // result bits
) (
    input  wire [N-1:0] v,
    output wire [W-1:0] n
);

localparam G = (N + 3) / 4;           // groups of 4 bits

reg [G*W-1:0] s;
always @* begin
    s = {(G*W){1'b0}};
    for (integer i = 0; i < G; i = i + 1)
        for (integer b = 0; b < 4; b = b + 1)
            if (4 * i + b < N)
                s[i*W +: W] = s[i*W +: W] + {{(W-1){1'b0}}, v[4*i+b]};
    for (integer st = 1; st < G; st = st * 2)
        for (integer i = 0; i + st < G; i = i + 2 * st)
            s[i*W +: W] = s[i*W +: W] + s[(i+st)*W +: W];
end
assign n = s[W-1:0];

endmodule

`resetall
