`resetall
`timescale 1ns / 1ps
`default_nettype none

// Invalidation acknowledgements of the TCU (smmu_tcu). With LINK_REG=1 the TBUs see a TLBI
// or CFGI through their link register, some cycles after the TCU issued it: every TBU
// acknowledges each one once it applied it (smmu_tbu inv_ack), and CMD_SYNC waits until none
// is unacknowledged (inv_pend, one of smmu_cmdq's sync_block terms). A count per TBU of the
// invalidations issued and not yet acknowledged. With LINK_REG=0 the TBUs apply them in the
// cycle they are issued: nothing is pending.
module smmu_tcu_inv_ack #(
    parameter NT       = 1,
    parameter LINK_REG = 0
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          inv,        // a TLBI or CFGI is issued this cycle
    input  wire [NT-1:0] inv_ack,    // TBU t applied one
    output wire          inv_pend    // some TBU has not applied every one yet
);

generate
    if (LINK_REG == 0) begin : g_no_ack
        assign inv_pend = 1'b0;
        wire unused_ack = &{1'b0, clk, rst, inv, inv_ack};
    end else begin : g_ack
        reg [2:0]    pend [0:NT-1];
        reg [NT-1:0] pend_nz;
        always @(posedge clk)
            for (integer t = 0; t < NT; t = t + 1)
                if (rst)
                    pend[t] <= 3'd0;
                else
                    pend[t] <= pend[t] + {2'd0, inv} - {2'd0, inv_ack[t]};
        always @* for (integer t = 0; t < NT; t = t + 1) pend_nz[t] = pend[t] != 3'd0;
        assign inv_pend = |pend_nz;
    end
endgenerate

endmodule

`resetall
