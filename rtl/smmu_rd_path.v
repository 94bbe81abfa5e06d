`resetall
`timescale 1ns / 1ps
`default_nettype none

// Read path: s_axi AR -> routing decision -> (m_axi AR | local responder),
// m_axi R + local responder R -> s_axi R.
//
// Ordering rule (per AXI ID): a locally answered read (abort / RAZ) is taken
// by the responder only when no read of the same ID is outstanding
// downstream, and no read of that ID is issued downstream while the
// responder still owes it beats. With the in-order address stage this keeps
// per-ID response order with internally generated responses.
module smmu_rd_path #(
    parameter ID_W     = 4,    // AXI ID bits
    parameter DATA_W   = 64,   // data bits
    parameter OAS_BITS = 48,   // output address bits
    parameter SID_W    = 8,    // StreamID bits
    parameter SSID_W   = 8,    // SubstreamID bits
    parameter CNT_W    = 8     // outstanding-per-ID counter bits
) (
    input  wire                clk,
    input  wire                rst,

    input  wire                smmuen,
    input  wire                gbpa_abort,

    // configuration lookup (SMMUEN=1)
    output wire                cfg_req_valid,
    input  wire                cfg_req_ready,
    output wire [SID_W-1:0]    cfg_req_sid,
    output wire [SSID_W-1:0]   cfg_req_ssid,
    output wire                cfg_req_ssv,
    output wire [63:0]         cfg_req_addr,
    output wire                cfg_req_pnu,
    output wire                cfg_req_ind,
    input  wire                cfg_resp_valid,
    input  wire [1:0]          cfg_resp_kind,

    input  wire [ID_W-1:0]     s_axi_arid,
    input  wire [63:0]         s_axi_araddr,
    input  wire [7:0]          s_axi_arlen,
    input  wire [2:0]          s_axi_arsize,
    input  wire [1:0]          s_axi_arburst,
    input  wire                s_axi_arlock,
    input  wire [3:0]          s_axi_arcache,
    input  wire [2:0]          s_axi_arprot,
    input  wire [3:0]          s_axi_arqos,
    input  wire [SID_W-1:0]    s_axi_armmusid,
    input  wire [SSID_W-1:0]   s_axi_armmussid,
    input  wire                s_axi_armmussidv,
    input  wire                s_axi_arvalid,
    output wire                s_axi_arready,
    output wire [ID_W-1:0]     s_axi_rid,
    output wire [DATA_W-1:0]   s_axi_rdata,
    output wire [1:0]          s_axi_rresp,
    output wire                s_axi_rlast,
    output wire                s_axi_rvalid,
    input  wire                s_axi_rready,

    output wire [ID_W-1:0]     m_axi_arid,
    output wire [OAS_BITS-1:0] m_axi_araddr,
    output wire [7:0]          m_axi_arlen,
    output wire [2:0]          m_axi_arsize,
    output wire [1:0]          m_axi_arburst,
    output wire                m_axi_arlock,
    output wire [3:0]          m_axi_arcache,
    output wire [2:0]          m_axi_arprot,
    output wire [3:0]          m_axi_arqos,
    output wire                m_axi_arvalid,
    input  wire                m_axi_arready,
    input  wire [ID_W-1:0]     m_axi_rid,
    input  wire [DATA_W-1:0]   m_axi_rdata,
    input  wire [1:0]          m_axi_rresp,
    input  wire                m_axi_rlast,
    input  wire                m_axi_rvalid,
    output wire                m_axi_rready
);

localparam NID     = 1 << ID_W;
localparam R_W     = ID_W + DATA_W + 2 + 1;
localparam [1:0] RESP_OKAY = 2'b00, RESP_SLVERR = 2'b10;

// ---------------------------------------------------------------- AR stage

wire            st_valid;
wire            st_ready;
wire            decided, go_down, go_raz;
wire [ID_W-1:0] st_id;
wire [7:0]      st_len;
wire [63:0]     st_addr;

smmu_addr_stage #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .SID_W(SID_W), .SSID_W(SSID_W)) ar_stage_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen), .gbpa_abort(gbpa_abort),
    .s_id(s_axi_arid), .s_addr(s_axi_araddr), .s_len(s_axi_arlen),
    .s_attr({s_axi_arsize, s_axi_arburst, s_axi_arlock, s_axi_arcache, s_axi_arprot, s_axi_arqos}),
    .s_sid(s_axi_armmusid), .s_ssid(s_axi_armmussid), .s_ssv(s_axi_armmussidv),
    .s_valid(s_axi_arvalid), .s_ready(s_axi_arready),
    .st_id(st_id), .st_addr(st_addr), .st_len(st_len),
    .st_attr({m_axi_arsize, m_axi_arburst, m_axi_arlock, m_axi_arcache, m_axi_arprot, m_axi_arqos}),
    .st_valid(st_valid), .st_ready(st_ready), .decided(decided), .go_down(go_down), .go_raz(go_raz),
    .cfg_req_valid(cfg_req_valid), .cfg_req_sid(cfg_req_sid), .cfg_req_ssid(cfg_req_ssid),
    .cfg_req_ssv(cfg_req_ssv), .cfg_req_ready(cfg_req_ready),
    .cfg_resp_valid(cfg_resp_valid), .cfg_resp_kind(cfg_resp_kind)
);

assign m_axi_arid   = st_id;
assign m_axi_arlen  = st_len;
assign m_axi_araddr = st_addr[OAS_BITS-1:0];
assign cfg_req_addr = st_addr;
assign cfg_req_pnu  = m_axi_arprot[0];
assign cfg_req_ind  = m_axi_arprot[2];

// outstanding downstream reads per ID (incremented on AR, decremented on RLAST)
reg [CNT_W-1:0] out_cnt [0:NID-1];

// local responder: one burst at a time
reg            lr_valid_reg;
reg [ID_W-1:0] lr_id_reg;
reg [7:0]      lr_left_reg;   // beats left minus one
reg            lr_raz_reg;

wire id_busy_local = lr_valid_reg && (lr_id_reg == st_id);
wire byp_ok        = !id_busy_local && (out_cnt[st_id] != {CNT_W{1'b1}});
wire local_ok      = !lr_valid_reg && (out_cnt[st_id] == {CNT_W{1'b0}});

assign m_axi_arvalid = st_valid && decided && go_down && byp_ok;
assign st_ready      = decided && (go_down ? (m_axi_arready && byp_ok) : local_ok);

wire local_take = st_valid && decided && !go_down && local_ok;

// ---------------------------------------------------------------- R merge
wire r_s_ready;
reg  lock_reg, lock_src_reg, rr_reg;   // src 1 = local responder

wire sel_local = lock_reg ? lock_src_reg :
                 (lr_valid_reg && (!m_axi_rvalid || rr_reg));

wire [R_W-1:0] r_mux = sel_local ?
    {lr_id_reg, {DATA_W{1'b0}}, (lr_raz_reg ? RESP_OKAY : RESP_SLVERR), lr_left_reg == 8'd0} :
    {m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast};
wire r_mux_valid = sel_local ? lr_valid_reg : m_axi_rvalid;
wire r_mux_last  = r_mux[0];

assign m_axi_rready = r_s_ready && !sel_local;

wire r_xfer      = r_mux_valid && r_s_ready;
wire down_last   = r_xfer && !sel_local && m_axi_rlast;

smmu_skid #(.WIDTH(R_W)) r_out (
    .clk(clk), .rst(rst),
    .s_data(r_mux), .s_valid(r_mux_valid), .s_ready(r_s_ready),
    .m_data({s_axi_rid, s_axi_rdata, s_axi_rresp, s_axi_rlast}),
    .m_valid(s_axi_rvalid), .m_ready(s_axi_rready)
);

integer i;
always @(posedge clk) begin
    if (rst) begin
        lr_valid_reg <= 1'b0;
        lr_id_reg    <= {ID_W{1'b0}};
        lr_left_reg  <= 8'd0;
        lr_raz_reg   <= 1'b0;
        lock_reg     <= 1'b0;
        lock_src_reg <= 1'b0;
        rr_reg       <= 1'b0;
        for (i = 0; i < NID; i = i + 1)
            out_cnt[i] <= {CNT_W{1'b0}};
    end else begin
        // per-ID outstanding count; AR and RLAST of one ID may coincide
        for (i = 0; i < NID; i = i + 1) begin
            if ((m_axi_arvalid && m_axi_arready && st_id == i[ID_W-1:0]) &&
                !(down_last && m_axi_rid == i[ID_W-1:0]))
                out_cnt[i] <= out_cnt[i] + 1'b1;
            else if (!(m_axi_arvalid && m_axi_arready && st_id == i[ID_W-1:0]) &&
                     (down_last && m_axi_rid == i[ID_W-1:0]) && out_cnt[i] != {CNT_W{1'b0}})
                out_cnt[i] <= out_cnt[i] - 1'b1;
        end

        if (local_take) begin
            lr_valid_reg <= 1'b1;
            lr_id_reg    <= st_id;
            lr_left_reg  <= st_len;
            lr_raz_reg   <= go_raz;
        end else if (r_xfer && sel_local) begin
            if (lr_left_reg == 8'd0)
                lr_valid_reg <= 1'b0;
            lr_left_reg <= lr_left_reg - 1'b1;
        end

        // hold the chosen source for a whole burst (no SMMU-made interleave);
        // alternate between sources at burst boundaries
        if (r_xfer) begin
            lock_reg     <= !r_mux_last;
            lock_src_reg <= sel_local;
            if (r_mux_last)
                rr_reg <= !sel_local;
        end
    end
end

endmodule

`resetall
