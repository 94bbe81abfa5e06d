`default_nettype none

// faxi4: AXI4 protocol properties for one full AXI4 interface (formal only:
// read by yosys with -formal, never by the simulators or the linters).
//
// DUT_SLAVE = 1: the design is the slave (s_axi): the master's rules (AW, W, AR)
//                are assumed, the slave's (B, R) asserted.
// DUT_SLAVE = 0: the design is the master (m_axi, m_axi_tw): the master's
//                rules are asserted, the memory's responses assumed.
//
// Rules (AMBA AXI4, IHI 0022 A3.2.1, A3.3, A3.4.1, A5):
//   R1  VALID low in the cycle after reset              (every channel)
//   R2  VALID held until READY                          (every channel)
//   R3  payload stable while VALID && !READY            (every channel)
//   R4  write beats = AWLEN+1: WLAST on beat AWLEN of the write it belongs to,
//       in AW order; W may lead its AW (then AWLEN must match the W burst)
//   R5  a B only for an ID with a write whose AW and last W beat were both
//       accepted (one B per write)
//   R6  an R beat only for an ID with a read outstanding; RLAST exactly on
//       beat ARLEN of the oldest outstanding read of that ID (per-ID order,
//       interleaving between IDs allowed)
//   R7  bookkeeping bounds: at most MAXOUT reads / writes tracked per ID,
//       QD writes waiting for their W data (assumed on the environment's
//       requests when it is the master, asserted when the design is)
// Bounded environment (DUT_SLAVE = 1 only): AxLEN <= LENMAX.
module faxi4 #(
    parameter DUT_SLAVE = 1,
    parameter ID_W      = 1,
    parameter ADDR_W    = 32,
    parameter DATA_W    = 64,
    parameter MAXOUT    = 2,     // reads / writes outstanding per ID
    parameter QD        = 4,     // writes whose W burst and AW are not yet paired
    parameter LENMAX    = 255,   // environment master: AxLEN bound
    parameter AW_EXTRA  = 1,     // width of the other AW payload bits (size, burst, ...)
    parameter AR_EXTRA  = 1
) (
    input wire                 clk,
    input wire                 rstn,
    // AW
    input wire [ID_W-1:0]      awid,
    input wire [ADDR_W-1:0]    awaddr,
    input wire [7:0]           awlen,
    input wire [AW_EXTRA-1:0]  awextra,
    input wire                 awvalid,
    input wire                 awready,
    // W
    input wire [DATA_W-1:0]    wdata,
    input wire [DATA_W/8-1:0]  wstrb,
    input wire                 wlast,
    input wire                 wvalid,
    input wire                 wready,
    // B
    input wire [ID_W-1:0]      bid,
    input wire [1:0]           bresp,
    input wire                 bvalid,
    input wire                 bready,
    // AR
    input wire [ID_W-1:0]      arid,
    input wire [ADDR_W-1:0]    araddr,
    input wire [7:0]           arlen,
    input wire [AR_EXTRA-1:0]  arextra,
    input wire                 arvalid,
    input wire                 arready,
    // R
    input wire [ID_W-1:0]      rid,
    input wire [DATA_W-1:0]    rdata,
    input wire [1:0]           rresp,
    input wire                 rlast,
    input wire                 rvalid,
    input wire                 rready
);

localparam NID = 1 << ID_W;
localparam CW  = 4;                       // counter bits (MAXOUT, QD < 16)

`define M_RULE(x) if (DUT_SLAVE) assume(x); else assert(x)
`define S_RULE(x) if (DUT_SLAVE) assert(x); else assume(x)

reg f_past_valid = 1'b0;
always @(posedge clk) f_past_valid <= 1'b1;
reg f_rstn_q = 1'b0;
always @(posedge clk) f_rstn_q <= rstn;
wire f_chk = f_past_valid && rstn && f_rstn_q;    // a cycle and its previous one out of reset

wire aw_fire = awvalid && awready;
wire w_fire  = wvalid && wready;
wire b_fire  = bvalid && bready;
wire ar_fire = arvalid && arready;
wire r_fire  = rvalid && rready;

// ------------------------------------------------------------ R1, R2, R3
always @(posedge clk) if (f_past_valid && rstn && !f_rstn_q) begin
    `M_RULE(!awvalid);
    `M_RULE(!wvalid);
    `M_RULE(!arvalid);
    `S_RULE(!bvalid);
    `S_RULE(!rvalid);
end

always @(posedge clk) if (f_chk) begin
    if ($past(awvalid && !awready)) begin
        `M_RULE(awvalid);
        `M_RULE(awid == $past(awid) && awaddr == $past(awaddr) && awlen == $past(awlen) &&
                awextra == $past(awextra));
    end
    if ($past(wvalid && !wready)) begin
        `M_RULE(wvalid);
        `M_RULE(wdata == $past(wdata) && wstrb == $past(wstrb) && wlast == $past(wlast));
    end
    if ($past(arvalid && !arready)) begin
        `M_RULE(arvalid);
        `M_RULE(arid == $past(arid) && araddr == $past(araddr) && arlen == $past(arlen) &&
                arextra == $past(arextra));
    end
    if ($past(bvalid && !bready)) begin
        `S_RULE(bvalid);
        `S_RULE(bid == $past(bid) && bresp == $past(bresp));
    end
    if ($past(rvalid && !rready)) begin
        `S_RULE(rvalid);
        `S_RULE(rid == $past(rid) && rdata == $past(rdata) && rresp == $past(rresp) && rlast == $past(rlast));
    end
end

// bounded environment
generate if (DUT_SLAVE) begin : g_env_len
    always @* begin
        assume(awlen <= LENMAX);
        assume(arlen <= LENMAX);
    end
end endgenerate

// ------------------------------------------------------------ R4: W beats against AW
// wq: the unpaired bursts, oldest first. wq_lead = 0: AWs accepted whose W
// burst has not completed (entries {id, len}); wq_lead = 1: W bursts that
// completed before their AW (entries {-, beats-1}).
reg  [ID_W+7:0] wq [0:QD-1];
reg  [CW-1:0]   wq_n;
reg             wq_lead;
reg  [7:0]      w_beat;                   // beats of the current W burst so far
wire [7:0]      wq_len   = wq[0][7:0];
wire [ID_W-1:0] wq_id    = wq[0][ID_W+7:8];
wire            wq_empty = wq_n == 0;
wire            w_done   = w_fire && wlast;                       // a W burst completes
wire            w_has_aw = !wq_empty && !wq_lead;                 // current W burst's AW known
wire            pair_a   = aw_fire && !wq_empty && wq_lead;       // AW of a burst that led
wire            pair_w   = w_done && w_has_aw;                    // last beat of a known AW's burst
wire            pair_aw  = aw_fire && w_done && wq_empty;         // both in one cycle
wire            push_a   = aw_fire && !pair_a && !pair_aw;
wire            push_w   = w_done && !pair_w && !pair_aw;
wire            pop      = pair_a || pair_w;
wire            pair     = pair_a || pair_w || pair_aw;
wire [ID_W-1:0] pair_id  = pair_w ? wq_id : awid;

always @(posedge clk) if (f_chk) begin
    if (w_fire && w_has_aw)
        `M_RULE(wlast == (w_beat == wq_len));
    if (w_fire && wq_empty && aw_fire)
        `M_RULE(wlast == (w_beat == awlen));
    if (aw_fire && wq_empty)
        `M_RULE(w_beat <= awlen);                                 // beats already sent fit
    if (w_fire && !w_has_aw)
        `M_RULE(wlast || w_beat != 8'hFF);                        // at most 256 beats
    if (pair_a)
        `M_RULE(awlen == wq_len);
    if ((push_a || push_w) && !pop)
        `M_RULE(wq_n < QD);                                       // R7
end

// ------------------------------------------------------------ R5: one B per complete write
reg [CW-1:0] b_ok   [0:NID-1];   // writes of each ID complete (AW + last W) without a B
reg [CW-1:0] aw_out [0:NID-1];   // writes of each ID accepted (AW) without a B

always @(posedge clk) if (f_chk) begin
    if (b_fire)
        `S_RULE(b_ok[bid] != 0);
    if (aw_fire)
        `M_RULE(aw_out[awid] < MAXOUT);                           // R7
end

// ------------------------------------------------------------ R6: R beats
reg [7:0]    rq     [0:NID*MAXOUT-1];  // per ID: ARLEN of the outstanding reads, oldest first
reg [CW-1:0] rq_n   [0:NID-1];
reg [7:0]    r_beat [0:NID-1];
wire         r_pop = r_fire && rlast;

always @(posedge clk) if (f_chk) begin
    if (r_fire) begin
        `S_RULE(rq_n[rid] != 0);
        `S_RULE(rlast == (r_beat[rid] == rq[rid*MAXOUT]));
    end
    if (ar_fire)
        `M_RULE(rq_n[arid] < MAXOUT || (r_pop && rid == arid)); // R7
end

// ------------------------------------------------------------ bookkeeping
integer i, j;
always @(posedge clk) begin
    if (!rstn) begin
        wq_n    <= 0;
        wq_lead <= 1'b0;
        w_beat  <= 8'd0;
        for (i = 0; i < NID; i = i + 1) begin
            b_ok[i]   <= 0;
            aw_out[i] <= 0;
            rq_n[i]   <= 0;
            r_beat[i] <= 8'd0;
        end
    end else begin
        if (w_fire)
            w_beat <= wlast ? 8'd0 : w_beat + 8'd1;
        if (pop)
            for (i = 0; i < QD - 1; i = i + 1)
                wq[i] <= wq[i+1];
        if (push_a)
            wq[wq_n - (pop ? 1 : 0)] <= {awid, awlen};
        if (push_w)
            wq[wq_n - (pop ? 1 : 0)] <= {{ID_W{1'b0}}, w_beat};
        wq_n <= wq_n + ((push_a || push_w) ? 1 : 0) - (pop ? 1 : 0);
        if (push_a) wq_lead <= 1'b0;
        if (push_w) wq_lead <= 1'b1;
        for (i = 0; i < NID; i = i + 1) begin
            b_ok[i]   <= b_ok[i] + ((pair && pair_id == i) ? 1 : 0) - ((b_fire && bid == i) ? 1 : 0);
            aw_out[i] <= aw_out[i] + ((aw_fire && awid == i) ? 1 : 0) - ((b_fire && bid == i) ? 1 : 0);
            if (r_fire && rid == i) begin
                r_beat[i] <= rlast ? 8'd0 : r_beat[i] + 8'd1;
                if (rlast)
                    for (j = 0; j < MAXOUT - 1; j = j + 1)
                        rq[i*MAXOUT + j] <= rq[i*MAXOUT + j + 1];
            end
            if (ar_fire && arid == i)
                rq[i*MAXOUT + rq_n[i] - ((r_pop && rid == i) ? 1 : 0)] <= arlen;
            rq_n[i] <= rq_n[i] + ((ar_fire && arid == i) ? 1 : 0) - ((r_pop && rid == i) ? 1 : 0);
        end
    end
end

`undef M_RULE
`undef S_RULE

endmodule
