`resetall
`timescale 1ns / 1ps
`default_nettype none

// Per-transaction routing decision, evaluated on the s_axi address channel.
// SMMUEN=0: global bypass / abort (GBPA.ABORT, OAS range), decided here in
// the handshake cycle. SMMUEN=1: the transaction needs its configuration
// (need_cfg); the path asks the configuration engine.
module smmu_decide #(
    parameter OAS_BITS = 48   // output address bits
) (
    input  wire [63:0] addr,
    input  wire        smmuen,      // CR0ACK.SMMUEN: the state in effect
    input  wire        gbpa_abort,  // GBPA.ABORT
    output wire        bypass,      // 1: forward with addr unchanged
    output wire        raz,         // 1: terminate as RAZ/WI (else abort with SLVERR)
    output wire        need_cfg     // 1: outcome comes from the configuration engine
);

// An incoming address that does not fit the output address size cannot be
// bypassed (SMMUv3: global bypass of an address beyond OAS aborts).
wire oob = |addr[63:OAS_BITS];
wire unused_addr = &{1'b0, addr[OAS_BITS-1:0]};  // only the bits above the OAS matter here

assign bypass = !smmuen && !gbpa_abort && !oob;
assign raz      = 1'b0;
assign need_cfg = smmuen;

endmodule

`resetall
