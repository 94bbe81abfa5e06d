`default_nettype none

// faxil: AXI4-Lite slave properties (formal only). The design is the slave:
// the master's rules are assumed, the slave's asserted.
//   L1  VALID low in the cycle after reset
//   L2  VALID held until READY, L3 payload stable while VALID && !READY
//   L4  one B per (AW, W) pair: a B only while more AWs and more Ws were
//       accepted than Bs sent; one R per AR
//   L5  BRESP and RRESP are OKAY (interface contract: responses are always OKAY)
//   L6  bookkeeping bound: the master keeps at most MAXOUT requests per channel
//       outstanding (assumed)
module faxil #(
    parameter ADDR_W = 17,
    parameter MAXOUT = 2
) (
    input wire              clk,
    input wire              rstn,
    input wire [ADDR_W-1:0] awaddr,
    input wire [2:0]        awprot,
    input wire              awvalid,
    input wire              awready,
    input wire [31:0]       wdata,
    input wire [3:0]        wstrb,
    input wire              wvalid,
    input wire              wready,
    input wire [1:0]        bresp,
    input wire              bvalid,
    input wire              bready,
    input wire [ADDR_W-1:0] araddr,
    input wire [2:0]        arprot,
    input wire              arvalid,
    input wire              arready,
    input wire [31:0]       rdata,
    input wire [1:0]        rresp,
    input wire              rvalid,
    input wire              rready
);

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

reg [3:0] n_aw, n_w, n_ar;   // accepted, not yet answered

always @(posedge clk) if (f_past_valid && rstn && !f_rstn_q) begin
    assume(!awvalid); assume(!wvalid); assume(!arvalid);
    assert(!bvalid);  assert(!rvalid);
end

always @(posedge clk) if (f_chk) begin
    if ($past(awvalid && !awready)) begin
        assume(awvalid);
        assume(awaddr == $past(awaddr) && awprot == $past(awprot));
    end
    if ($past(wvalid && !wready)) begin
        assume(wvalid);
        assume(wdata == $past(wdata) && wstrb == $past(wstrb));
    end
    if ($past(arvalid && !arready)) begin
        assume(arvalid);
        assume(araddr == $past(araddr) && arprot == $past(arprot));
    end
    if ($past(bvalid && !bready)) begin
        assert(bvalid);
        assert(bresp == $past(bresp));
    end
    if ($past(rvalid && !rready)) begin
        assert(rvalid);
        assert(rdata == $past(rdata) && rresp == $past(rresp));
    end
    if (b_fire) begin
        assert(n_aw != 0 && n_w != 0);
        assert(bresp == 2'b00);
    end
    if (r_fire) begin
        assert(n_ar != 0);
        assert(rresp == 2'b00);
    end
    if (aw_fire) assume(n_aw < MAXOUT || b_fire);
    if (w_fire)  assume(n_w  < MAXOUT || b_fire);
    if (ar_fire) assume(n_ar < MAXOUT || r_fire);
end

always @(posedge clk) begin
    if (!rstn) begin
        n_aw <= 0; n_w <= 0; n_ar <= 0;
    end else begin
        n_aw <= n_aw + (aw_fire ? 1 : 0) - (b_fire ? 1 : 0);
        n_w  <= n_w  + (w_fire  ? 1 : 0) - (b_fire ? 1 : 0);
        n_ar <= n_ar + (ar_fire ? 1 : 0) - (r_fire ? 1 : 0);
    end
end

endmodule
