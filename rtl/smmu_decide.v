`resetall
`timescale 1ns / 1ps
`default_nettype none

// Per-transaction routing decision, evaluated on the s_axi address channel.
// Today: global bypass / abort (SMMUEN, GBPA.ABORT, OAS range). The
// translation issue replaces the SMMUEN=1 branch with the configuration
// lookup + TLB; the surrounding paths already carry a per-transaction
// outcome, so only this block changes.
module smmu_decide #(
    parameter OAS_BITS = 48   // output address bits
) (
    input  wire [63:0] addr,
    input  wire        smmuen,      // CR0ACK.SMMUEN: the state in effect
    input  wire        gbpa_abort,  // GBPA.ABORT
    output wire        bypass,      // 1: forward with addr unchanged
    output wire        raz          // 1: terminate as RAZ/WI (else abort with SLVERR)
);

// An incoming address that does not fit the output address size cannot be
// bypassed (SMMUv3: global bypass of an address beyond OAS aborts).
wire oob = |addr[63:OAS_BITS];
wire unused_addr = &{1'b0, addr[OAS_BITS-1:0]};  // used by the translation stage later

assign bypass = !smmuen && !gbpa_abort && !oob;
assign raz    = 1'b0;

endmodule

`resetall
