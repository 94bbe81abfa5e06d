`resetall
`timescale 1ns / 1ps
`default_nettype none

// Write path: decided AW (from smmu_xlt_q, in s_axi AW order) -> (m_axi AW | local responder),
// s_axi W -> (m_axi W | sink) steered by a route FIFO in AW order,
// m_axi B + local B -> s_axi B.
//
// W data carries no ID, so every decided AW pushes its route (downstream or
// sink, and its length) into the route FIFO, in s_axi AW order. W beats are
// steered by the FIFO head: W may arrive before AW (it waits in the W slice),
// and m_axi W may run ahead of its m_axi AW (legal AXI4), so the SMMU never
// waits for a downstream AW handshake before moving W. WLAST towards m_axi is
// regenerated from AWLEN, so m_axi always sees exactly len+1 beats.
// A locally answered write (abort / RAZ/WI) sends its B only after all its
// W beats were consumed and no older same-ID write is outstanding downstream.
module smmu_wr_path #(
    parameter ID_W       = 4,    // AXI ID bits
    parameter DATA_W     = 64,   // data bits
    parameter OAS_BITS   = 48,   // output address bits
    parameter CNT_W      = 8,    // outstanding-per-ID counter bits
    parameter ROUTE_LOG2 = 4     // log2 of decided writes waiting for their W data
) (
    input  wire                clk,
    input  wire                rst,

    // decided transactions from the translation queue (in AW order)
    input  wire                t_valid,
    input  wire [ID_W-1:0]     t_id,
    input  wire [OAS_BITS-1:0] t_addr,
    input  wire [7:0]          t_len,
    input  wire [16:0]         t_attr,     // {size, burst, lock, cache, prot, qos}
    input  wire                t_down,     // 1: m_axi, 0: local responder (W sunk)
    input  wire                t_raz,      // local: 1 RAZ/WI (OKAY), 0 abort (SLVERR)
    output wire                t_take,
    output wire                t_hold,     // route pushed / offered on m_axi: keep the offer

    input  wire [DATA_W-1:0]   s_axi_wdata,
    input  wire [DATA_W/8-1:0] s_axi_wstrb,
    input  wire                s_axi_wlast,
    input  wire                s_axi_wvalid,
    output wire                s_axi_wready,
    output wire [ID_W-1:0]     s_axi_bid,
    output wire [1:0]          s_axi_bresp,
    output wire                s_axi_bvalid,
    input  wire                s_axi_bready,

    output wire [ID_W-1:0]     m_axi_awid,
    output wire [OAS_BITS-1:0] m_axi_awaddr,
    output wire [7:0]          m_axi_awlen,
    output wire [2:0]          m_axi_awsize,
    output wire [1:0]          m_axi_awburst,
    output wire                m_axi_awlock,
    output wire [3:0]          m_axi_awcache,
    output wire [2:0]          m_axi_awprot,
    output wire [3:0]          m_axi_awqos,
    output wire                m_axi_awvalid,
    input  wire                m_axi_awready,
    output wire [DATA_W-1:0]   m_axi_wdata,
    output wire [DATA_W/8-1:0] m_axi_wstrb,
    output wire                m_axi_wlast,
    output wire                m_axi_wvalid,
    input  wire                m_axi_wready,
    input  wire [ID_W-1:0]     m_axi_bid,
    input  wire [1:0]          m_axi_bresp,
    input  wire                m_axi_bvalid,
    output wire                m_axi_bready
);

localparam NID    = 1 << ID_W;
localparam STRB_W = DATA_W / 8;
localparam W_W    = DATA_W + STRB_W;
localparam B_W    = ID_W + 2;
localparam [1:0] RESP_OKAY = 2'b00, RESP_SLVERR = 2'b10;

// ---------------------------------------------------------------- AW issue
wire            st_valid = t_valid;
wire            st_ready;
wire            go_down  = t_down;
wire            go_raz   = t_raz;
wire [ID_W-1:0] st_id    = t_id;
wire [7:0]      st_len   = t_len;

assign m_axi_awid   = t_id;
assign m_axi_awlen  = t_len;
assign m_axi_awaddr = t_addr;
assign {m_axi_awsize, m_axi_awburst, m_axi_awlock, m_axi_awcache, m_axi_awprot, m_axi_awqos} = t_attr;

reg [CNT_W-1:0] out_cnt [0:NID-1];

// local B responder: one write at a time
reg            lb_valid_reg;
reg [ID_W-1:0] lb_id_reg;
reg            lb_raz_reg;
reg [2:0]      sink_done_reg;  // sunk W bursts whose B is still owed

// ---------------------------------------------------------------- W routing
// The route of the offered write is pushed as soon as it is offered, before
// its m_axi AW handshake, so W never waits on the downstream AW.
wire [7:0] route_len;
wire       route_sink;
wire       route_valid;
wire       route_pop;
wire       route_s_ready;
reg        route_pushed_reg;
wire [ROUTE_LOG2:0] route_count;
wire       unused_route_count = &{1'b0, route_count};

wire route_push = st_valid && !route_pushed_reg && route_s_ready;
wire route_done = route_pushed_reg || route_push;

smmu_fifo #(.WIDTH(9), .DEPTH_LOG2(ROUTE_LOG2)) route_fifo (
    .clk(clk), .rst(rst),
    .s_data({!go_down, st_len}), .s_valid(route_push), .s_ready(route_s_ready),
    .m_data({route_sink, route_len}), .m_valid(route_valid), .m_ready(route_pop),
    .count(route_count)
);

wire id_busy_local = lb_valid_reg && (lb_id_reg == st_id);
wire byp_ok        = !id_busy_local && (out_cnt[st_id] != {CNT_W{1'b1}}) && route_done;
wire local_ok      = !lb_valid_reg && (out_cnt[st_id] == {CNT_W{1'b0}}) && route_done;

assign m_axi_awvalid = st_valid && go_down && byp_ok;
assign st_ready      = go_down ? (m_axi_awready && byp_ok) : local_ok;
assign t_take        = st_valid && st_ready;
// once its route is in the FIFO the write must be the one that is taken next
assign t_hold        = st_valid && route_done && !st_ready;

wire local_take = st_valid && !go_down && local_ok;

always @(posedge clk) begin
    if (rst)
        route_pushed_reg <= 1'b0;
    else if (st_valid && st_ready)
        route_pushed_reg <= 1'b0;
    else if (route_push)
        route_pushed_reg <= 1'b1;
end

wire [W_W-1:0] w_data;
wire           w_valid;
wire           w_ready;
reg  [7:0]     w_beat_reg;

// s_axi_wlast is not used: beats are counted against AWLEN (the client
// protocol checker flags a wrong WLAST; the SMMU never forwards one).
smmu_skid #(.WIDTH(W_W)) w_stage (
    .clk(clk), .rst(rst),
    .s_data({s_axi_wdata, s_axi_wstrb}), .s_valid(s_axi_wvalid), .s_ready(s_axi_wready),
    .m_data(w_data), .m_valid(w_valid), .m_ready(w_ready)
);

wire w_last_beat = w_beat_reg == route_len;
wire unused_wlast = s_axi_wlast;

assign {m_axi_wdata, m_axi_wstrb} = w_data;
assign m_axi_wlast  = w_last_beat;
assign m_axi_wvalid = w_valid && route_valid && !route_sink;
assign w_ready      = route_valid && (route_sink || m_axi_wready);

wire w_xfer    = w_valid && w_ready;
assign route_pop = w_xfer && w_last_beat;
wire sink_done = route_pop && route_sink;

// ---------------------------------------------------------------- B merge
wire b_s_ready;
reg  rr_reg;
wire lb_ready_to_send = lb_valid_reg && (sink_done_reg != 3'd0);
wire sel_local = lb_ready_to_send && (!m_axi_bvalid || rr_reg);

wire [B_W-1:0] b_mux = sel_local ? {lb_id_reg, (lb_raz_reg ? RESP_OKAY : RESP_SLVERR)}
                                 : {m_axi_bid, m_axi_bresp};
wire b_mux_valid = sel_local ? 1'b1 : m_axi_bvalid;
assign m_axi_bready = b_s_ready && !sel_local;

wire b_xfer    = b_mux_valid && b_s_ready;
wire down_b    = b_xfer && !sel_local;
wire local_b   = b_xfer && sel_local;

smmu_skid #(.WIDTH(B_W)) b_out (
    .clk(clk), .rst(rst),
    .s_data(b_mux), .s_valid(b_mux_valid), .s_ready(b_s_ready),
    .m_data({s_axi_bid, s_axi_bresp}), .m_valid(s_axi_bvalid), .m_ready(s_axi_bready)
);

integer i;
always @(posedge clk) begin
    if (rst) begin
        lb_valid_reg  <= 1'b0;
        lb_id_reg     <= {ID_W{1'b0}};
        lb_raz_reg    <= 1'b0;
        sink_done_reg <= 3'd0;
        w_beat_reg    <= 8'd0;
        rr_reg        <= 1'b0;
        for (i = 0; i < NID; i = i + 1)
            out_cnt[i] <= {CNT_W{1'b0}};
    end else begin
        for (i = 0; i < NID; i = i + 1) begin
            if ((m_axi_awvalid && m_axi_awready && st_id == i[ID_W-1:0]) &&
                !(down_b && m_axi_bid == i[ID_W-1:0]))
                out_cnt[i] <= out_cnt[i] + 1'b1;
            else if (!(m_axi_awvalid && m_axi_awready && st_id == i[ID_W-1:0]) &&
                     (down_b && m_axi_bid == i[ID_W-1:0]) && out_cnt[i] != {CNT_W{1'b0}})
                out_cnt[i] <= out_cnt[i] - 1'b1;
        end

        if (w_xfer)
            w_beat_reg <= w_last_beat ? 8'd0 : w_beat_reg + 1'b1;

        // sunk bursts and local responses pair up in AW order
        if (sink_done && !local_b)
            sink_done_reg <= sink_done_reg + 1'b1;
        else if (!sink_done && local_b)
            sink_done_reg <= sink_done_reg - 1'b1;

        if (local_take) begin
            lb_valid_reg <= 1'b1;
            lb_id_reg    <= st_id;
            lb_raz_reg   <= go_raz;
        end else if (local_b) begin
            lb_valid_reg <= 1'b0;
        end

        if (b_xfer)
            rr_reg <= !sel_local;
    end
end

endmodule

`resetall
