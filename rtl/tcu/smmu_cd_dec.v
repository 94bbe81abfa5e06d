`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_cd_w.vh"

// Context Descriptor decode (combinational, smmu_cfg): the legality checks of CD doublewords
// 0-3 (C_BAD_CD) and the bundle the walker and the TBUs use (smmu_cd.vh), with the STE's
// attribute overrides. Only TTB0 is walked; TTB1's half is checked unless EPD1
// (docs/spec-notes-config.md).
module smmu_cd_dec #(
    parameter OAS_BITS    = 48,
    parameter STALL_MODEL = 0
) (
    input  wire [63:0]           d0,
    input  wire [63:0]           d1,
    input  wire [63:0]           d2,
    input  wire [63:0]           d3,          // MAIR
    input  wire                  s1stalld,    // STE.S1STALLD
    input  wire [14:0]           ste_ovr,
    output wire                  illegal,
    output wire [`SMMU_CD_W-1:0] bundle
);

`include "smmu_cd.vh"
`include "smmu_attr.vh"

wire [5:0]  t0sz   = d0[5:0];
wire [1:0]  tg0    = d0[7:6];
wire        epd0   = d0[14];
wire        endi   = d0[15];
wire [5:0]  t1sz   = d0[21:16];
wire [1:0]  tg1    = d0[23:22];
wire        epd1   = d0[30];
wire        cd_v   = d0[31];
wire [2:0]  ips    = d0[34:32];
wire        affd   = d0[35];
wire        wxn    = d0[36];
wire        uwxn   = d0[37];
wire        tbi0   = d0[38];
wire        pan    = d0[40];
wire        aa64   = d0[41];
wire        hd     = d0[42];
wire        ha     = d0[43];
wire        s      = d0[44];
wire        r      = d0[45];
wire        a      = d0[46];
wire [15:0] asid   = d0[63:48];
wire [63:0] ttb0   = {12'd0, d1[51:4], 4'd0};
wire [63:0] ttb1   = {12'd0, d2[51:4], 4'd0};

localparam [2:0] OAS_ENC = (OAS_BITS == 32) ? 3'd0 : (OAS_BITS == 36) ? 3'd1 :
                           (OAS_BITS == 40) ? 3'd2 : (OAS_BITS == 42) ? 3'd3 :
                           (OAS_BITS == 44) ? 3'd4 : 3'd5;
// IPS above the OAS is not ILLEGAL: it behaves as the OAS
wire [2:0]  ips_eff  = (ips > OAS_ENC) ? OAS_ENC : ips;
wire [5:0]  ips_bits = ips_to_bits(ips_eff);

wire bad_half0 = !epd0 && ((t0sz < 6'd16) || (t0sz > 6'd39) || (tg0 != 2'd0) ||
                           ((ttb0 >> ips_bits) != 64'd0));
wire bad_half1 = !epd1 && ((t1sz < 6'd16) || (t1sz > 6'd39) || (tg1 != 2'd2) ||
                           ((ttb1 >> ips_bits) != 64'd0));
assign illegal = !cd_v ||
                 (s1stalld && s) ||
                 (STALL_MODEL == 1 && s) ||
                 (STALL_MODEL == 2 && !s) ||
                 (endi && !(epd0 && epd1)) ||
                 !aa64 || ha || hd ||
                 bad_half0 || bad_half1;

assign bundle[CD_TTB0_LSB +: 44]   = ttb0[47:4];
assign bundle[CD_T0SZ_LSB +: 6]    = t0sz;
assign bundle[CD_IPS_LSB +: 3]     = ips_eff;
assign bundle[CD_EPD0]             = epd0;
assign bundle[CD_TBI0]             = tbi0;
assign bundle[CD_AFFD]             = affd;
assign bundle[CD_WXN]              = wxn;
assign bundle[CD_UWXN]             = uwxn;
assign bundle[CD_S]                = s;
assign bundle[CD_R]                = r;
assign bundle[CD_A]                = a;
assign bundle[CD_ASID_LSB +: 16]   = asid;
assign bundle[CD_PAN]              = pan;
assign bundle[CD_MAIR_LSB +: 64]   = d3;
assign bundle[CD_OVR_LSB +: OVR_W] = ste_ovr;
assign bundle[CD_WATTR_LSB +: 6]   = d0[13:8];   // {SH0, OR0, IR0}

// fields this SMMU does not use (attributes of TTB1's half, reserved, low address bits)
wire unused_fields = &{1'b0, d0[47], d0[39], d0[29:24], d1[63:52], d1[3:0], d2[63:52], d2[3:0]};

endmodule

`resetall
