`resetall
`timescale 1ns / 1ps
`default_nettype none

// Stream Table Entry decode (combinational, smmu_cfg): the fields of STE doublewords 0-1 this
// SMMU uses, the stage-1 legality checks of the STE itself (C_BAD_STE), the SubstreamID range
// check against S1CDMax (C_BAD_SUBSTREAMID) and the address of the Context Descriptor to fetch
// (linear CD table). Stage 2, the NS and reserved fields are not used
// (docs/spec-notes-config.md).
module smmu_ste_dec #(
    parameter SSID_W      = 8,
    parameter OAS_BITS    = 48,
    parameter STALL_MODEL = 0
) (
    input  wire [63:0]         ste0,
    input  wire [63:0]         ste1,
    input  wire [SSID_W-1:0]   ssid,
    input  wire                ssv,
    output wire                ste_v,
    output wire [2:0]          config_f,     // STE.Config
    output wire [4:0]          s1cdmax,
    output wire [1:0]          s1dss,
    output wire                s1stalld,
    output wire                illegal_s1,   // a stage-1 STE breaks a rule (C_BAD_STE)
    output wire                ssid_oob,     // the SubstreamID is beyond S1CDMax
    output wire [OAS_BITS-1:0] cd_addr,      // the Context Descriptor of this SubstreamID
    output wire [14:0]         ovr           // dword-1 attribute overrides (smmu_attr.vh OVR)
);

wire [1:0]  s1fmt    = ste0[5:4];
wire [63:0] s1ctxptr = {8'd0, ste0[55:6], 6'd0};
assign ste_v    = ste0[0];
assign config_f = ste0[3:1];
assign s1cdmax  = ste0[63:59];
assign s1dss    = ste1[1:0];
assign s1stalld = ste1[27];

wire ptr_oob = (s1ctxptr >> OAS_BITS) != 64'd0;
assign illegal_s1 = (s1stalld && STALL_MODEL != 0) ||
                    ({1'b0, s1cdmax} > SSID_W[5:0]) ||
                    (s1cdmax != 5'd0 && (s1fmt == 2'd1 || s1fmt == 2'd2)) ||
                    ptr_oob;
wire [31:0] ssid32   = {{(32-SSID_W){1'b0}}, ssid};
assign ssid_oob = (ssid32 >> s1cdmax) != 32'd0;
wire [31:0] cd_index = (ssv && s1cdmax != 5'd0) ? ssid32 : 32'd0;
wire [63:0] cd_addr64 = s1ctxptr + ({32'd0, cd_index} << 6);
assign cd_addr = cd_addr64[OAS_BITS-1:0];

// MemAttr, MTCFG, ALLOCCFG, SHCFG, PRIVCFG, INSTCFG; NSCFG [47:46] is IGNORED in a Non-secure
// stream table (IHI 0070 5.2)
assign ovr = {ste1[51:50], ste1[49:48], ste1[45:44], ste1[40:37], ste1[36], ste1[35:32]};

// fields this SMMU does not use (stage 2, NS, reserved; the CD fetch's cache attributes
// ste1[7:2] are read by smmu_cfg's fetch port)
wire unused_fields = &{1'b0, ste0[58:56], ste1[63:52], ste1[47:41], ste1[31:28], ste1[26:2],
                       cd_addr64[63:OAS_BITS]};

endmodule

`resetall
