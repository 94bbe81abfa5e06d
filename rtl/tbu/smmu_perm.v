`resetall
`timescale 1ns / 1ps
`default_nettype none

// Permission check of one access against a translation's effective permissions (combinational).
//
// The access's PnU and InD (the client's AxPROT[0] and AxPROT[2]) are first replaced as the
// STE's PRIVCFG / INSTCFG say (IHI 0070 13.4; pio = OVR[14:11] of smmu_attr.vh: {INSTCFG,
// PRIVCFG}, a 1x value sets the bit to x, 0x keeps the client's); the record uses the same
// (eff_pnu, eff_ind). Then {PW, UR, UW, PX, UX} and PAN allow the access: an instruction read
// needs execute permission only; a privileged data access to a page user-accessible for data
// is refused with PAN.
module smmu_perm (
    input  wire       is_read,  // 1: a read, 0: a write (a constant where one direction is checked)
    input  wire [4:0] perm,     // {PW, UR, UW, PX, UX}
    input  wire       pan,
    input  wire [3:0] pio,      // {INSTCFG, PRIVCFG}
    input  wire       pnu,      // the client's AxPROT[0]
    input  wire       ind,      // the client's AxPROT[2]
    output wire       eff_pnu,
    output wire       eff_ind,
    output reg        ok
);

`include "smmu_attr.vh"   // pio_pnu, pio_ind
assign eff_pnu = pio_pnu(pio, pnu);
assign eff_ind = pio_ind(pio, ind);

reg r, w;
always @* begin
    r = eff_pnu ? 1'b1 : perm[3];
    w = eff_pnu ? perm[4] : perm[2];
    if (eff_pnu && pan && (perm[3] || perm[2])) begin
        r = 1'b0;
        w = 1'b0;
    end
    if (is_read && eff_ind)
        ok = eff_pnu ? perm[1] : perm[0];
    else
        ok = is_read ? r : w;
end

endmodule

`resetall
