`resetall
`timescale 1ns / 1ps
`default_nettype none

// Read path: decided AR (from smmu_xlt_q) -> (m_axi AR | local responder),
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
    parameter CNT_W    = 8     // outstanding-per-ID counter bits
) (
    input  wire                clk,
    input  wire                rst,

    // decided transactions from the translation queue
    input  wire                t_valid,
    input  wire [ID_W-1:0]     t_id,
    input  wire [OAS_BITS-1:0] t_addr,
    input  wire [7:0]          t_len,
    input  wire [16:0]         t_attr,     // {size, burst, lock, cache, prot, qos}
    input  wire [1:0]          t_dom,      // shareability domain (ACE5-Lite AxDOMAIN)
    input  wire                t_down,     // 1: m_axi, 0: local responder
    input  wire                t_raz,      // local: 1 RAZ (OKAY, zeros), 0 abort (SLVERR)
    output wire                t_take,
    input  wire                t_stale,    // the offer's translation was invalidated while held
    input  wire                inv,        // TLBI or CFGI
    output wire                sync_block, // downstream transactions older than an invalidation
    output wire [(1<<ID_W)-1:0] idle,      // per ID: no read outstanding downstream
    output wire                lbusy,      // the local responder is busy ...
    output wire [ID_W-1:0]     lid,        // ... with a read of this ID

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
    output wire [1:0]          m_axi_ardomain,
    output wire                m_axi_arvalid,
    input  wire                m_axi_arready,
    input  wire [ID_W-1:0]     m_axi_rid,
    input  wire [DATA_W-1:0]   m_axi_rdata,
    input  wire [1:0]          m_axi_rresp,
    input  wire                m_axi_rlast,
    input  wire                m_axi_rvalid,
    output wire                m_axi_rready
);

localparam R_W     = ID_W + DATA_W + 2 + 1;
localparam [1:0] RESP_OKAY = 2'b00, RESP_SLVERR = 2'b10;

// ---------------------------------------------------------------- AR issue
wire            st_valid = t_valid;
wire            st_ready;
wire            go_down  = t_down;
wire            go_raz   = t_raz;
wire [ID_W-1:0] st_id    = t_id;

assign m_axi_arid   = t_id;
assign m_axi_arlen  = t_len;
assign m_axi_araddr = t_addr;
assign {m_axi_arsize, m_axi_arburst, m_axi_arlock, m_axi_arcache, m_axi_arprot, m_axi_arqos} = t_attr;
assign m_axi_ardomain = t_dom;

// outstanding downstream reads per ID (incremented on AR, decremented on RLAST)
wire id_zero, id_full;
wire down_last;   // a downstream read burst completes (defined with the R mux below)

smmu_id_cnt #(.ID_W(ID_W), .CNT_W(CNT_W)) id_cnt_inst (
    .clk(clk), .rst(rst),
    .iss(m_axi_arvalid && m_axi_arready), .iss_id(st_id), .iss_stale(t_stale),
    .cmp(down_last), .cmp_id(m_axi_rid), .inv(inv),
    .q_id(st_id), .q_zero(id_zero), .q_full(id_full), .idle(idle), .sync_block(sync_block)
);

// local responder: one burst at a time
reg            lr_valid_reg;
reg [ID_W-1:0] lr_id_reg;
reg [7:0]      lr_left_reg;   // beats left minus one
reg            lr_raz_reg;

wire id_busy_local = lr_valid_reg && (lr_id_reg == st_id);
wire byp_ok        = !id_busy_local && !id_full;
wire local_ok      = !lr_valid_reg && id_zero;

assign m_axi_arvalid = st_valid && go_down && byp_ok;
assign st_ready      = go_down ? (m_axi_arready && byp_ok) : local_ok;
assign t_take        = st_valid && st_ready;
assign lbusy         = lr_valid_reg;
assign lid           = lr_id_reg;

wire local_take = st_valid && !go_down && local_ok;

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
assign down_last = r_xfer && !sel_local && m_axi_rlast;

smmu_skid #(.WIDTH(R_W)) r_out (
    .clk(clk), .rst(rst),
    .s_data(r_mux), .s_valid(r_mux_valid), .s_ready(r_s_ready),
    .m_data({s_axi_rid, s_axi_rdata, s_axi_rresp, s_axi_rlast}),
    .m_valid(s_axi_rvalid), .m_ready(s_axi_rready)
);

always @(posedge clk) begin
    if (rst) begin
        lr_valid_reg <= 1'b0;
        lr_id_reg    <= {ID_W{1'b0}};
        lr_left_reg  <= 8'd0;
        lr_raz_reg   <= 1'b0;
        lock_reg     <= 1'b0;
        lock_src_reg <= 1'b0;
        rr_reg       <= 1'b0;
    end else begin

        if (local_take) begin
            lr_valid_reg <= 1'b1;
            lr_id_reg    <= st_id;
            lr_left_reg  <= t_len;
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
