`resetall
`timescale 1ns / 1ps
`default_nettype none

// SMMUv3 programming interface: AXI4-Lite slave, 32-bit registers.
// Offsets, fields, reset values and write rules follow docs/programming-model.md
// (generated from tb/regmap.py, which describes the map once for the testbench).
// Unimplemented offsets read as zero and ignore writes; responses are OKAY.
module smmu_regs #(
    parameter SID_W       = 8,
    parameter SSID_W      = 8,
    parameter OAS_BITS    = 48,
    parameter STALL_MAX   = 16,
    parameter STALL_MODEL = 0
) (
    input  wire        clk,
    input  wire        rst,

    input  wire [16:0] s_axil_awaddr,
    input  wire [2:0]  s_axil_awprot,
    input  wire        s_axil_awvalid,
    output wire        s_axil_awready,
    input  wire [31:0] s_axil_wdata,
    input  wire [3:0]  s_axil_wstrb,
    input  wire        s_axil_wvalid,
    output wire        s_axil_wready,
    output wire [1:0]  s_axil_bresp,
    output wire        s_axil_bvalid,
    input  wire        s_axil_bready,
    input  wire [16:0] s_axil_araddr,
    input  wire [2:0]  s_axil_arprot,
    input  wire        s_axil_arvalid,
    output wire        s_axil_arready,
    output wire [31:0] s_axil_rdata,
    output wire [1:0]  s_axil_rresp,
    output wire        s_axil_rvalid,
    input  wire        s_axil_rready,

    // state in effect, to the datapath and engines
    output wire        smmuen,
    output wire        gbpa_abort,
    output wire [31:0] gbpa,            // GBPA (attribute overrides of global bypass)
    output wire [11:0] cr1,             // CR1 QUEUE_/TABLE_ IC, OC, SH
    output wire        strtab_ra,       // STRTAB_BASE.RA
    output wire        cmdq_ra,         // CMDQ_BASE.RA
    output wire        evtq_wa,         // EVENTQ_BASE.WA
    output wire        cmdq_en,
    output wire        cmdq_en_req,       // CR0.CMDQEN (CR0ACK may lag while the queue drains)
    output wire        evtq_en,
    output wire        recinvsid,
    output wire [OAS_BITS-1:0] strtab_base,     // aligned to the table size
    output wire [5:0]  strtab_log2size,
    output wire [OAS_BITS-1:0] cmdq_base,
    output wire [4:0]  cmdq_log2size,
    output wire [31:0] cmdq_prod,
    output wire [31:0] cmdq_cons,
    output wire        cmdq_err_active,
    output wire        evtq_abt_active,
    output wire [OAS_BITS-1:0] evtq_base,
    output wire [4:0]  evtq_log2size,
    output wire [31:0] evtq_prod,
    output wire [31:0] evtq_cons,

    // updates by the SMMU itself (no write guard applies)
    input  wire        hw_cmdq_cons_we,
    input  wire [31:0] hw_cmdq_cons,
    input  wire        hw_evtq_prod_we,
    input  wire [31:0] hw_evtq_prod,
    input  wire        hw_gerror_cmdq,        // raise GERROR.CMDQ_ERR
    input  wire        hw_gerror_evtq_abt,    // raise GERROR.EVENTQ_ABT_ERR
    input  wire        cmdq_busy_hw,          // a command is being processed
    input  wire        evtq_busy_hw,          // a record write is in flight

    output wire        evtq_irq,
    output wire        gerror_irq
);

// ----------------------------------------------------------- ID registers
// What the RTL implements today (keep in step with FEATURES in tb/regmap.py).
localparam IMPL_S1P      = 1'b1;   // stage-1 configuration (STE/CD); see docs/architecture.md
localparam IMPL_GRAN4K   = 1'b1;
localparam IMPL_ASID16   = 1'b1;
localparam [1:0] TTF     = 2'd2;   // AArch64
localparam [1:0] TTENDIAN = 2'd2;  // little-endian
localparam [4:0] CMDQS   = 5'd19;
localparam [4:0] EVENTQS = 5'd19;

localparam [2:0] OAS_ENC = (OAS_BITS == 32) ? 3'd0 : (OAS_BITS == 36) ? 3'd1 :
                           (OAS_BITS == 40) ? 3'd2 : (OAS_BITS == 42) ? 3'd3 :
                           (OAS_BITS == 44) ? 3'd4 : 3'd5;

localparam [31:0] IDR0 = {3'd0, 2'd0 /*ST_LEVEL linear*/, 1'b0 /*TERM_MODEL*/, STALL_MODEL[1:0],
                          1'b0, TTENDIAN, 8'd0, IMPL_ASID16, 8'd0, TTF, IMPL_S1P, 1'b0 /*S2P*/};
// ATTR_TYPES_OVR[27] = ATTR_PERMS_OVR[26] = 1: GBPA and STE attribute overrides are applied
localparam [31:0] IDR1 = {4'd0, 1'b1, 1'b1, CMDQS, EVENTQS, 5'd0 /*PRIQS*/, SSID_W[4:0], SID_W[5:0]};
localparam [31:0] IDR5 = {STALL_MAX[15:0], 11'd0, IMPL_GRAN4K, 1'b0, OAS_ENC};
localparam [31:0] IIDR = 32'h0010_0000;
localparam [31:0] AIDR = 32'h0000_0000;

// high words of 64-bit base registers: ADDR[51:32] limited to OAS, RA/WA at bit 30
localparam [31:0] HI_MASK = (OAS_BITS > 32) ? ((32'd1 << (OAS_BITS - 32)) - 32'd1) | 32'h4000_0000
                                            : 32'h4000_0000;

initial begin
    if (OAS_BITS != 32 && OAS_BITS != 36 && OAS_BITS != 40 && OAS_BITS != 42 &&
        OAS_BITS != 44 && OAS_BITS != 48)
        $error("smmu_regs: OAS_BITS must be 32, 36, 40, 42, 44 or 48");
    if (SSID_W < 1 || SSID_W > 20)
        $error("smmu_regs: SSID_W must be 1..20");
    if (SID_W < 1 || SID_W > 32)
        $error("smmu_regs: SID_W must be 1..32");
end

// ----------------------------------------------------------- state
reg [31:0] cr0_reg, cr0ack_reg, cr1_reg, cr2_reg;
reg [31:0] gbpa_reg;
reg [31:0] irq_ctrl_reg, irq_ctrlack_reg;
reg [31:0] gerror_reg, gerrorn_reg;
reg [31:0] strtab_base_lo_reg, strtab_base_hi_reg, strtab_cfg_reg;
reg [31:0] cmdq_base_lo_reg, cmdq_base_hi_reg, cmdq_prod_reg, cmdq_cons_reg;
reg [31:0] evtq_base_lo_reg, evtq_base_hi_reg, evtq_prod_reg, evtq_cons_reg;

// a guarded register ignores writes while its enable or the enable's ACK is set
wire smmuen_busy = cr0_reg[0] || cr0ack_reg[0];
wire evtq_busy   = cr0_reg[2] || cr0ack_reg[2];
wire cmdq_busy   = cr0_reg[3] || cr0ack_reg[3];

assign smmuen     = cr0ack_reg[0];
assign gbpa_abort = gbpa_reg[20];
assign gbpa       = gbpa_reg;
assign cr1        = cr1_reg[11:0];
assign strtab_ra  = strtab_base_hi_reg[30];
assign cmdq_ra    = cmdq_base_hi_reg[30];
assign evtq_wa    = evtq_base_hi_reg[30];
assign cmdq_en    = cr0ack_reg[3];
assign cmdq_en_req = cr0_reg[3];
assign evtq_en    = cr0ack_reg[2];
assign recinvsid  = cr2_reg[1];

wire [63:0] strtab_raw  = {strtab_base_hi_reg, strtab_base_lo_reg[31:6], 6'd0};
wire [63:0] strtab_mask = ~((64'd1 << (strtab_cfg_reg[5:0] + 6'd6)) - 64'd1);
assign strtab_base      = strtab_raw[OAS_BITS-1:0] & strtab_mask[OAS_BITS-1:0];
assign strtab_log2size  = strtab_cfg_reg[5:0];
wire [63:0] cmdq_raw    = {cmdq_base_hi_reg, cmdq_base_lo_reg[31:5], 5'd0};
assign cmdq_base        = cmdq_raw[OAS_BITS-1:0];
assign cmdq_log2size    = cmdq_base_lo_reg[4:0];
assign cmdq_prod        = cmdq_prod_reg;
assign cmdq_cons        = cmdq_cons_reg;
assign cmdq_err_active  = gerror_reg[0] != gerrorn_reg[0];
assign evtq_abt_active  = gerror_reg[2] != gerrorn_reg[2];
wire [63:0] evtq_raw    = {evtq_base_hi_reg, evtq_base_lo_reg[31:5], 5'd0};
assign evtq_base        = evtq_raw[OAS_BITS-1:0];
assign evtq_log2size    = evtq_base_lo_reg[4:0];
assign evtq_prod        = evtq_prod_reg;
wire unused_raw = &{1'b0, strtab_raw, strtab_mask, cmdq_raw, evtq_raw};
assign evtq_cons        = evtq_cons_reg;

// ----------------------------------------------------------- AXI-Lite write
reg        aw_held_reg, w_held_reg, bvalid_reg;
reg [16:0] aw_addr_reg;
reg [31:0] w_data_reg;
reg [3:0]  w_strb_reg;

assign s_axil_awready = !aw_held_reg && !bvalid_reg;
assign s_axil_wready  = !w_held_reg && !bvalid_reg;
assign s_axil_bvalid  = bvalid_reg;
assign s_axil_bresp   = 2'b00;

wire        wr_aw_ok = aw_held_reg || s_axil_awvalid;
wire        wr_w_ok  = w_held_reg || s_axil_wvalid;
wire        wr_do    = wr_aw_ok && wr_w_ok && !bvalid_reg;
wire [16:0] wr_addr  = aw_held_reg ? aw_addr_reg : s_axil_awaddr;
wire [31:0] wr_data  = w_held_reg ? w_data_reg : s_axil_wdata;
wire [3:0]  wr_strb  = w_held_reg ? w_strb_reg : s_axil_wstrb;
wire [31:0] wr_bmask = {{8{wr_strb[3]}}, {8{wr_strb[2]}}, {8{wr_strb[1]}}, {8{wr_strb[0]}}};

function [31:0] merge;
    input [31:0] old_v, new_v, bmask, wmask;
    begin
        merge = (old_v & ~(bmask & wmask)) | (new_v & bmask & wmask);
    end
endfunction

wire [14:0] wr_word = wr_addr[16:2];
localparam [14:0] A_CR0 = 15'h08, A_CR1 = 15'h0A, A_CR2 = 15'h0B, A_GBPA = 15'h11,
                  A_IRQ_CTRL = 15'h14, A_GERRORN = 15'h19,
                  A_STRTAB_LO = 15'h20, A_STRTAB_HI = 15'h21, A_STRTAB_CFG = 15'h22,
                  A_CMDQ_LO = 15'h24, A_CMDQ_HI = 15'h25, A_CMDQ_PROD = 15'h26, A_CMDQ_CONS = 15'h27,
                  A_EVTQ_LO = 15'h28, A_EVTQ_HI = 15'h29,
                  A_EVTQ_PROD = 15'h402A, A_EVTQ_CONS = 15'h402B;

always @(posedge clk) begin
    if (rst) begin
        aw_held_reg <= 1'b0;
        w_held_reg  <= 1'b0;
        bvalid_reg  <= 1'b0;
        aw_addr_reg <= 17'd0;
        w_data_reg  <= 32'd0;
        w_strb_reg  <= 4'd0;
    end else begin
        if (s_axil_awvalid && s_axil_awready && !wr_do) begin
            aw_held_reg <= 1'b1;
            aw_addr_reg <= s_axil_awaddr;
        end
        if (s_axil_wvalid && s_axil_wready && !wr_do) begin
            w_held_reg <= 1'b1;
            w_data_reg <= s_axil_wdata;
            w_strb_reg <= s_axil_wstrb;
        end
        if (wr_do) begin
            aw_held_reg <= 1'b0;
            w_held_reg  <= 1'b0;
            bvalid_reg  <= 1'b1;
        end else if (s_axil_bready) begin
            bvalid_reg  <= 1'b0;
        end
    end
end

// ----------------------------------------------------------- register updates
always @(posedge clk) begin
    if (rst) begin
        cr0_reg            <= 32'd0;
        cr0ack_reg         <= 32'd0;
        cr1_reg            <= 32'd0;
        cr2_reg            <= 32'd0;
        gbpa_reg           <= 32'h0000_1000;
        irq_ctrl_reg       <= 32'd0;
        irq_ctrlack_reg    <= 32'd0;
        gerror_reg         <= 32'd0;
        gerrorn_reg        <= 32'd0;
        strtab_base_lo_reg <= 32'd0;
        strtab_base_hi_reg <= 32'd0;
        strtab_cfg_reg     <= 32'd0;
        cmdq_base_lo_reg   <= 32'd0;
        cmdq_base_hi_reg   <= 32'd0;
        cmdq_prod_reg      <= 32'd0;
        cmdq_cons_reg      <= 32'd0;
        evtq_base_lo_reg   <= 32'd0;
        evtq_base_hi_reg   <= 32'd0;
        evtq_prod_reg      <= 32'd0;
        evtq_cons_reg      <= 32'd0;
    end else begin
        // a change takes effect one cycle after the write; ACK then mirrors it.
        // Disabling a queue completes only once the command being processed /
        // the record being written has finished (IHI 0070 6.3.9).
        cr0ack_reg      <= cr0_reg & 32'h0000_000D;
        if (!cr0_reg[3] && cmdq_busy_hw)
            cr0ack_reg[3] <= cr0ack_reg[3];
        if (!cr0_reg[2] && evtq_busy_hw)
            cr0ack_reg[2] <= cr0ack_reg[2];
        irq_ctrlack_reg <= irq_ctrl_reg;
        // GBPA.UPDATE: new attributes are in effect from the next cycle on
        if (gbpa_reg[31])
            gbpa_reg[31] <= 1'b0;

        if (wr_do) begin
            case (wr_word)
                A_CR0:        cr0_reg <= merge(cr0_reg, wr_data, wr_bmask, 32'h0000_000D);
                // CR1: TABLE_* are guarded by SMMUEN, QUEUE_* by the queue enables
                A_CR1:        cr1_reg <= merge(cr1_reg, wr_data, wr_bmask,
                                               (smmuen_busy ? 32'h0 : 32'h0000_0FC0) |
                                               ((cmdq_busy || evtq_busy) ? 32'h0 : 32'h0000_003F));
                A_CR2:        if (!smmuen_busy) cr2_reg <= merge(cr2_reg, wr_data, wr_bmask, 32'h0000_0006);
                A_GBPA:       if (!gbpa_reg[31] && wr_strb[3] && wr_data[31])
                                  gbpa_reg <= merge(gbpa_reg, wr_data, wr_bmask, 32'h001F_3F1F) | 32'h8000_0000;
                A_IRQ_CTRL:   irq_ctrl_reg <= merge(irq_ctrl_reg, wr_data, wr_bmask, 32'h0000_0005);
                A_GERRORN:    gerrorn_reg <= merge(gerrorn_reg, wr_data, wr_bmask, 32'h0000_0105);
                A_STRTAB_LO:  if (!smmuen_busy) strtab_base_lo_reg <= merge(strtab_base_lo_reg, wr_data, wr_bmask, 32'hFFFF_FFC0);
                A_STRTAB_HI:  if (!smmuen_busy) strtab_base_hi_reg <= merge(strtab_base_hi_reg, wr_data, wr_bmask, HI_MASK);
                A_STRTAB_CFG: if (!smmuen_busy) strtab_cfg_reg <= merge(strtab_cfg_reg, wr_data, wr_bmask, 32'h0003_07FF);
                A_CMDQ_LO:    if (!cmdq_busy) cmdq_base_lo_reg <= merge(cmdq_base_lo_reg, wr_data, wr_bmask, 32'hFFFF_FFFF);
                A_CMDQ_HI:    if (!cmdq_busy) cmdq_base_hi_reg <= merge(cmdq_base_hi_reg, wr_data, wr_bmask, HI_MASK);
                A_CMDQ_PROD:  cmdq_prod_reg <= merge(cmdq_prod_reg, wr_data, wr_bmask, 32'h000F_FFFF);
                A_CMDQ_CONS:  if (!cmdq_busy) cmdq_cons_reg <= merge(cmdq_cons_reg, wr_data, wr_bmask, 32'h000F_FFFF);
                A_EVTQ_LO:    if (!evtq_busy) evtq_base_lo_reg <= merge(evtq_base_lo_reg, wr_data, wr_bmask, 32'hFFFF_FFFF);
                A_EVTQ_HI:    if (!evtq_busy) evtq_base_hi_reg <= merge(evtq_base_hi_reg, wr_data, wr_bmask, HI_MASK);
                A_EVTQ_PROD:  if (!evtq_busy) evtq_prod_reg <= merge(evtq_prod_reg, wr_data, wr_bmask, 32'h800F_FFFF);
                A_EVTQ_CONS:  evtq_cons_reg <= merge(evtq_cons_reg, wr_data, wr_bmask, 32'h800F_FFFF);
                default: ;
            endcase
        end

        if (hw_cmdq_cons_we)
            cmdq_cons_reg <= hw_cmdq_cons & 32'h7F0F_FFFF;
        if (hw_evtq_prod_we)
            evtq_prod_reg <= hw_evtq_prod & 32'h800F_FFFF;
        // an error is raised by toggling GERROR, only while it is not active
        if (hw_gerror_cmdq && gerror_reg[0] == gerrorn_reg[0])
            gerror_reg[0] <= ~gerror_reg[0];
        if (hw_gerror_evtq_abt && gerror_reg[2] == gerrorn_reg[2])
            gerror_reg[2] <= ~gerror_reg[2];
    end
end

// ----------------------------------------------------------- AXI-Lite read
reg        rvalid_reg;
reg [31:0] rdata_reg;
reg [31:0] rd_mux;

assign s_axil_arready = !rvalid_reg;
assign s_axil_rvalid  = rvalid_reg;
assign s_axil_rdata   = rdata_reg;
assign s_axil_rresp   = 2'b00;

always @* begin
    case (s_axil_araddr[16:2])
        15'h00:       rd_mux = IDR0;
        15'h01:       rd_mux = IDR1;
        15'h05:       rd_mux = IDR5;
        15'h06:       rd_mux = IIDR;
        15'h07:       rd_mux = AIDR;
        A_CR0:        rd_mux = cr0_reg;
        15'h09:       rd_mux = cr0ack_reg;
        A_CR1:        rd_mux = cr1_reg;
        A_CR2:        rd_mux = cr2_reg;
        A_GBPA:       rd_mux = gbpa_reg;
        A_IRQ_CTRL:   rd_mux = irq_ctrl_reg;
        15'h15:       rd_mux = irq_ctrlack_reg;
        15'h18:       rd_mux = gerror_reg;
        A_GERRORN:    rd_mux = gerrorn_reg;
        A_STRTAB_LO:  rd_mux = strtab_base_lo_reg;
        A_STRTAB_HI:  rd_mux = strtab_base_hi_reg;
        A_STRTAB_CFG: rd_mux = strtab_cfg_reg;
        A_CMDQ_LO:    rd_mux = cmdq_base_lo_reg;
        A_CMDQ_HI:    rd_mux = cmdq_base_hi_reg;
        A_CMDQ_PROD:  rd_mux = cmdq_prod_reg;
        A_CMDQ_CONS:  rd_mux = cmdq_cons_reg;
        A_EVTQ_LO:    rd_mux = evtq_base_lo_reg;
        A_EVTQ_HI:    rd_mux = evtq_base_hi_reg;
        A_EVTQ_PROD:  rd_mux = evtq_prod_reg;
        A_EVTQ_CONS:  rd_mux = evtq_cons_reg;
        default:      rd_mux = 32'd0;
    endcase
end

always @(posedge clk) begin
    if (rst) begin
        rvalid_reg <= 1'b0;
        rdata_reg  <= 32'd0;
    end else if (s_axil_arvalid && s_axil_arready) begin
        rvalid_reg <= 1'b1;
        rdata_reg  <= rd_mux;
    end else if (s_axil_rready) begin
        rvalid_reg <= 1'b0;
    end
end

// AxPROT of register accesses carries no meaning here (no Secure/Realm pages);
// the two address LSBs select a byte within the addressed word.
wire unused_axil = &{1'b0, s_axil_awprot, s_axil_arprot, s_axil_araddr[1:0], wr_addr[1:0]};

// ----------------------------------------------------------- interrupts
// event queue non-empty: PROD and CONS differ in index or wrap
wire evtq_empty;

// outputs this user does not need
wire [19:0] unused_evtq_ptr_prod_idx, unused_evtq_ptr_cons_idx, unused_evtq_ptr_prod_inc, unused_evtq_ptr_cons_inc;
wire        unused_evtq_ptr_full;
wire        unused_evtq_ptr_ok = &{1'b0, unused_evtq_ptr_prod_idx, unused_evtq_ptr_cons_idx,
                                   unused_evtq_ptr_prod_inc, unused_evtq_ptr_cons_inc, unused_evtq_ptr_full};

smmu_qptr #(.QS_MAX(EVENTQS)) evtq_ptr_inst (
    .log2size(evtq_base_lo_reg[4:0]), .prod(evtq_prod_reg[19:0]), .cons(evtq_cons_reg[19:0]),
    .prod_idx(unused_evtq_ptr_prod_idx), .cons_idx(unused_evtq_ptr_cons_idx),
    .prod_inc(unused_evtq_ptr_prod_inc), .cons_inc(unused_evtq_ptr_cons_inc),
    .empty(evtq_empty), .full(unused_evtq_ptr_full)
);

assign evtq_irq   = irq_ctrlack_reg[2] && !evtq_empty;
assign gerror_irq = irq_ctrlack_reg[0] && (((gerror_reg ^ gerrorn_reg) & 32'h0000_0105) != 32'd0);

endmodule

`resetall
