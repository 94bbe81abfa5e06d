`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_count.vh"

// Write path: decided AW (from smmu_xlt_q) -> (m_axi AW | local responder),
// s_axi W -> (m_axi W | sink | park slot), m_axi B + local B -> s_axi B.
//
// W data carries no ID and arrives in s_axi AW order. Two FIFOs keep the
// orders apart:
// * the s-route FIFO, in s_axi AW order, says where each write's W beats go:
//   DOWN (to m_axi), SINK (dropped: the write is answered locally) or PARK
//   (captured in a park slot). A write's route is pushed when it is offered
//   (DOWN/SINK), or when the translation queue parks it (PARK) so that
//   younger writes can overtake it.
// * the m-order FIFO, in m_axi AW order, says where each downstream write's
//   W beats come from: the s_axi W stream (direct) or a park slot.
// Direct writes keep the same relative order in both FIFOs, so the heads
// meet. W may arrive before AW, and m_axi W may run ahead of its m_axi AW
// (legal AXI4), so the SMMU never waits for a downstream AW handshake before
// moving W. WLAST towards m_axi is regenerated from AWLEN, so m_axi always
// sees exactly len+1 beats. A locally answered write (abort / RAZ/WI) sends
// its B only after all its W beats were consumed (sunk or parked) and no
// older same-ID write is outstanding downstream.
module smmu_wr_path #(
    parameter ID_W       = 4,    // AXI ID bits
    parameter DATA_W     = 64,   // data bits
    parameter OAS_BITS   = 48,   // output address bits
    parameter CNT_W      = 8,    // outstanding-per-ID counter bits
    parameter ROUTE_LOG2 = 4,    // log2 of decided writes waiting for their W data
    parameter PARK_N     = 2,    // park slots (W data of writes overtaken by younger ones)
    parameter WB_BEATS   = 16,   // beats per park slot
    parameter PSLOT_W    = 1     // log2(PARK_N)
) (
    input  wire                clk,
    input  wire                rst,

    // decided transactions from the translation queue (in AW order)
    input  wire                t_valid,
    input  wire [ID_W-1:0]     t_id,
    input  wire [OAS_BITS-1:0] t_addr,
    input  wire [7:0]          t_len,
    input  wire [16:0]         t_attr,     // {size, burst, lock, cache, prot, qos}
    input  wire [1:0]          t_dom,      // shareability domain (ACE5-Lite AxDOMAIN)
    input  wire                t_down,     // 1: m_axi, 0: local responder (W sunk)
    input  wire                t_raz,      // local: 1 RAZ/WI (OKAY), 0 abort (SLVERR)
    output wire                t_take,
    input  wire                t_stale,    // the offer's translation was invalidated while held
    input  wire                inv,        // TLBI or CFGI
    output wire                sync_block, // downstream transactions older than an invalidation
    output wire [(1<<ID_W)-1:0] idle,      // per ID: no write outstanding downstream
    output wire                lbusy,      // the local B responder is busy ...
    output wire [ID_W-1:0]     lid,        // ... with a write of this ID
    input  wire                t_park,     // the write's W data is parked in slot t_pslot
    input  wire [PSLOT_W-1:0]  t_pslot,

    // park requests from the translation queue
    input  wire                pk_valid,
    input  wire [7:0]          pk_len,
    output wire                pk_ready,
    output wire [PSLOT_W-1:0]  pk_slot,
    output reg  [31:0]         cnt_parks,   // writes whose W data was parked

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
    output wire [1:0]          m_axi_awdomain,
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
assign m_axi_awdomain = t_dom;

wire id_zero, id_full;
wire down_b;      // a downstream B (defined with the B mux below)

smmu_id_cnt #(.ID_W(ID_W), .CNT_W(CNT_W)) id_cnt_inst (
    .clk(clk), .rst(rst),
    .iss(m_axi_awvalid && m_axi_awready), .iss_id(st_id), .iss_stale(t_stale),
    .cmp(down_b), .cmp_id(m_axi_bid), .inv(inv),
    .q_id(st_id), .q_zero(id_zero), .q_full(id_full), .idle(idle), .sync_block(sync_block)
);

// local B responder: one write at a time
reg               lb_valid_reg;
reg [ID_W-1:0]    lb_id_reg;
reg               lb_raz_reg;
reg               lb_park_reg;      // its W data is in park slot lb_pslot_reg
reg [PSLOT_W-1:0] lb_pslot_reg;
reg [2:0]         sink_done_reg;    // sunk W bursts whose B is still owed

// ---------------------------------------------------------------- park slots
localparam PB_W = (WB_BEATS > 1) ? $clog2(WB_BEATS) : 1;
reg [W_W-1:0]   pbuf    [0:PARK_N*WB_BEATS-1];
reg [PARK_N-1:0] pb_busy;
reg [8:0]       pb_widx [0:PARK_N-1];   // beats captured
reg [8:0]       pb_ridx [0:PARK_N-1];   // beats sent to m_axi
reg [7:0]       pb_len  [0:PARK_N-1];

reg               pb_free_any;
reg [PSLOT_W-1:0] pb_free_idx;
always @* begin
    pb_free_any = 1'b0;
    pb_free_idx = {PSLOT_W{1'b0}};
    for (integer q = 0; q < PARK_N; q = q + 1)
        if (!pb_free_any && !pb_busy[q]) begin
            pb_free_any = 1'b1;
            pb_free_idx = q[PSLOT_W-1:0];
        end
end

// ---------------------------------------------------------------- routes
localparam [1:0] R_DOWN = 2'd0, R_SINK = 2'd1, R_PARK = 2'd2;
localparam SR_W = 2 + PSLOT_W + 8;
localparam MO_W = 1 + PSLOT_W + 8;

wire [1:0]         sr_kind;
wire [PSLOT_W-1:0] sr_slot;
wire [7:0]         sr_len;
wire               sr_valid, sr_pop, sr_s_ready;
wire               mo_park;
wire [PSLOT_W-1:0] mo_slot;
wire [7:0]         mo_len;
wire               mo_valid, mo_pop, mo_s_ready;
wire [ROUTE_LOG2:0] sr_count, mo_count;
wire               unused_counts = &{1'b0, sr_count, mo_count};

// The route of the offered write is pushed as soon as it is offered, before
// its m_axi AW handshake, so W never waits on the downstream AW.
// Only a write that can be issued now pushes its route; one that must wait
// (its ID busy in the local responder or with downstream writes, counter
// saturated) waits at the head of the queue's output buffer (smmu_xlt_out),
// which chooses only writes that may issue as this path's registered state
// (idle, lbusy, lid) stands, so such a wait is short.
reg  route_pushed_reg;
wire id_busy_local;
wire issue_ok   = go_down ? (!id_busy_local && !id_full) : (!lb_valid_reg && id_zero);
wire need_sr    = !t_park;                 // a parked write's s-route entry exists already
wire need_mo    = go_down;                 // downstream writes need their W source
wire route_push = st_valid && !route_pushed_reg && issue_ok &&
                  (!need_sr || sr_s_ready) && (!need_mo || mo_s_ready);
wire route_done = route_pushed_reg || route_push;

// park request: one s-route PARK entry (never in the same cycle as an offered
// write's push: the translation queue parks no write while an unparked one
// waits in its output buffer)
assign pk_ready = pk_valid && pb_free_any && sr_s_ready && !(route_push && need_sr);
assign pk_slot  = pb_free_idx;
wire   pk_push  = pk_valid && pk_ready;

smmu_fifo #(.WIDTH(SR_W), .DEPTH_LOG2(ROUTE_LOG2)) sroute_fifo (
    .clk(clk), .rst(rst),
    .s_data(pk_push ? {R_PARK, pb_free_idx, pk_len} : {(go_down ? R_DOWN : R_SINK), {PSLOT_W{1'b0}}, st_len}),
    .s_valid(pk_push || (route_push && need_sr)), .s_ready(sr_s_ready),
    .m_data({sr_kind, sr_slot, sr_len}), .m_valid(sr_valid), .m_ready(sr_pop),
    .count(sr_count)
);

smmu_fifo #(.WIDTH(MO_W), .DEPTH_LOG2(ROUTE_LOG2)) morder_fifo (
    .clk(clk), .rst(rst),
    .s_data({t_park, t_pslot, st_len}), .s_valid(route_push && need_mo), .s_ready(mo_s_ready),
    .m_data({mo_park, mo_slot, mo_len}), .m_valid(mo_valid), .m_ready(mo_pop),
    .count(mo_count)
);

assign id_busy_local = lb_valid_reg && (lb_id_reg == st_id);
wire byp_ok        = !id_busy_local && !id_full && route_done;
wire local_ok      = !lb_valid_reg && id_zero && route_done;

assign m_axi_awvalid = st_valid && go_down && byp_ok;
assign st_ready      = go_down ? (m_axi_awready && byp_ok) : local_ok;
assign t_take        = st_valid && st_ready;
assign lbusy         = lb_valid_reg;
assign lid           = lb_id_reg;

wire local_take = st_valid && !go_down && local_ok;

always @(posedge clk) begin
    if (rst)
        route_pushed_reg <= 1'b0;
    else if (st_valid && st_ready)
        route_pushed_reg <= 1'b0;
    else if (route_push)
        route_pushed_reg <= 1'b1;
end

// ---------------------------------------------------------------- W
wire [W_W-1:0] w_data;
wire           w_valid;
wire           w_ready;
reg  [7:0]     s_beat_reg;   // beat of the s-route head
reg  [7:0]     m_beat_reg;   // beat of the m-order head

// s_axi_wlast is not used: beats are counted against AWLEN (the client
// protocol checker flags a wrong WLAST; the SMMU never forwards one).
smmu_skid #(.WIDTH(W_W)) w_stage (
    .clk(clk), .rst(rst),
    .s_data({s_axi_wdata, s_axi_wstrb}), .s_valid(s_axi_wvalid), .s_ready(s_axi_wready),
    .m_data(w_data), .m_valid(w_valid), .m_ready(w_ready)
);
wire unused_wlast = s_axi_wlast;

wire s_last   = s_beat_reg == sr_len;
wire m_last   = m_beat_reg == mo_len;
// direct: the s-route head is a DOWN write and the m-order head is direct (the same write)
wire direct   = sr_valid && sr_kind == R_DOWN && mo_valid && !mo_park;
wire [PB_W+PSLOT_W-1:0] rd_addr_pb = {mo_slot, m_beat_reg[PB_W-1:0]};
wire [PB_W+PSLOT_W-1:0] wr_addr_pb = {sr_slot, s_beat_reg[PB_W-1:0]};
wire park_avail = mo_valid && mo_park && (pb_ridx[mo_slot] < pb_widx[mo_slot]);

// m_axi W: the beats of the m-order head are issued in order, one a cycle, into a
// one-beat stage: a parked beat is read from the park buffer there (a synchronous
// read, so the buffer maps to block RAM; an asynchronous read kept it in LUT RAM
// behind a PARK_N*WB_BEATS:1 multiplexer on m_axi_wdata), a direct beat is taken
// from w_stage. The stage feeds the output skid, which drives m_axi_w* from
// registers. A beat is issued only when the stage is free or moves on this cycle
// (the skid's registered ready), so a parked beat's read data is never overwritten
// before it moves; back to back issue keeps one beat a cycle.
reg            ws_v;        // the stage holds a beat ...
reg            ws_park;     // ... read from the park buffer (pb_q), else ws_d
reg            ws_last;
reg  [W_W-1:0] ws_d;
reg  [W_W-1:0] pb_q;        // the park buffer's read data
wire           wo_ready;    // the output skid takes the stage's beat
wire           ws_free  = !ws_v || wo_ready;
wire           is_park  = park_avail && ws_free;
wire           is_dir   = direct && w_valid && ws_free;

assign w_ready = sr_valid && (sr_kind == R_SINK || sr_kind == R_PARK || (direct && ws_free));

smmu_skid #(.WIDTH(W_W + 1)) w_out (
    .clk(clk), .rst(rst),
    .s_data({ws_park ? pb_q : ws_d, ws_last}), .s_valid(ws_v), .s_ready(wo_ready),
    .m_data({m_axi_wdata, m_axi_wstrb, m_axi_wlast}), .m_valid(m_axi_wvalid), .m_ready(m_axi_wready)
);

// (the stage's data is reset, pb_q is read only from written beats: the skid loads
// the stage's data even when it is empty, and no port may show X)
always @(posedge clk)
    if (is_park)
        pb_q <= pbuf[rd_addr_pb];
always @(posedge clk) begin
    if (rst) begin
        ws_v    <= 1'b0;
        ws_park <= 1'b0;
        ws_last <= 1'b0;
        ws_d    <= {W_W{1'b0}};
    end else begin
        if (is_dir)
            ws_d <= w_data;
        if (is_park || is_dir) begin
            ws_v    <= 1'b1;
            ws_park <= is_park;
            ws_last <= m_last;
        end else if (wo_ready)
            ws_v    <= 1'b0;
    end
end

wire w_xfer = w_valid && w_ready;
wire m_xfer = is_park || is_dir;           // a beat of the m-order head issued
assign sr_pop = w_xfer && s_last;
assign mo_pop = m_xfer && m_last;
wire sink_done = sr_pop && sr_kind == R_SINK;
wire park_in   = w_xfer && sr_kind == R_PARK;
wire park_out  = is_park;

// ---------------------------------------------------------------- B merge
wire b_s_ready;
reg  rr_reg;
wire lb_w_done = lb_park_reg ? (pb_widx[lb_pslot_reg] == {1'b0, pb_len[lb_pslot_reg]} + 9'd1)
                             : (sink_done_reg != 3'd0);
wire lb_ready_to_send = lb_valid_reg && lb_w_done;
wire sel_local = lb_ready_to_send && (!m_axi_bvalid || rr_reg);

wire [B_W-1:0] b_mux = sel_local ? {lb_id_reg, (lb_raz_reg ? RESP_OKAY : RESP_SLVERR)}
                                 : {m_axi_bid, m_axi_bresp};
wire b_mux_valid = sel_local ? 1'b1 : m_axi_bvalid;
assign m_axi_bready = b_s_ready && !sel_local;

wire b_xfer    = b_mux_valid && b_s_ready;
assign down_b    = b_xfer && !sel_local;
wire local_b   = b_xfer && sel_local;

smmu_skid #(.WIDTH(B_W)) b_out (
    .clk(clk), .rst(rst),
    .s_data(b_mux), .s_valid(b_mux_valid), .s_ready(b_s_ready),
    .m_data({s_axi_bid, s_axi_bresp}), .m_valid(s_axi_bvalid), .m_ready(s_axi_bready)
);

// park slot bookkeeping
always @(posedge clk) begin
    if (park_in)
        pbuf[wr_addr_pb] <= w_data;
    if (rst) begin
        cnt_parks <= 32'd0;
        pb_busy <= {PARK_N{1'b0}};
        for (integer q = 0; q < PARK_N; q = q + 1) begin
            pb_widx[q] <= 9'd0;
            pb_ridx[q] <= 9'd0;
            pb_len[q]  <= 8'd0;
        end
    end else begin
        if (park_in)
            pb_widx[sr_slot] <= pb_widx[sr_slot] + 1'b1;
        if (park_out)
            pb_ridx[mo_slot] <= pb_ridx[mo_slot] + 1'b1;
        // freed when drained downstream, or when its local B is sent
        if (park_out && m_last)
            pb_busy[mo_slot] <= 1'b0;
        if (local_b && lb_park_reg)
            pb_busy[lb_pslot_reg] <= 1'b0;
        if (pk_push) begin
            `SMMU_COUNT(cnt_parks, 1'b1);
            pb_busy[pb_free_idx] <= 1'b1;
            pb_widx[pb_free_idx] <= 9'd0;
            pb_ridx[pb_free_idx] <= 9'd0;
            pb_len[pb_free_idx]  <= pk_len;
        end
    end
end

always @(posedge clk) begin
    if (rst) begin
        lb_valid_reg  <= 1'b0;
        lb_id_reg     <= {ID_W{1'b0}};
        lb_raz_reg    <= 1'b0;
        lb_park_reg   <= 1'b0;
        lb_pslot_reg  <= {PSLOT_W{1'b0}};
        sink_done_reg <= 3'd0;
        s_beat_reg    <= 8'd0;
        m_beat_reg    <= 8'd0;
        rr_reg        <= 1'b0;
    end else begin

        if (w_xfer)
            s_beat_reg <= s_last ? 8'd0 : s_beat_reg + 1'b1;
        if (m_xfer)
            m_beat_reg <= m_last ? 8'd0 : m_beat_reg + 1'b1;

        // sunk bursts and local responses of unparked writes pair up in AW order
        if (sink_done && !(local_b && !lb_park_reg))
            sink_done_reg <= sink_done_reg + 1'b1;
        else if (!sink_done && local_b && !lb_park_reg)
            sink_done_reg <= sink_done_reg - 1'b1;

        if (local_take) begin
            lb_valid_reg <= 1'b1;
            lb_id_reg    <= st_id;
            lb_raz_reg   <= go_raz;
            lb_park_reg  <= t_park;
            lb_pslot_reg <= t_pslot;
        end else if (local_b) begin
            lb_valid_reg <= 1'b0;
        end

        if (b_xfer)
            rr_reg <= !sel_local;
    end
end

endmodule

`resetall
