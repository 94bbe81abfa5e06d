`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_count.vh"

// Event queue producer: writes 32-byte event records into the in-memory
// event queue over the write side of m_axi_tw (the only m_axi_tw writer).
//
// * N_SRC record sources, round-robin; a source holds rec_valid until taken.
// * Queue full: a non-stall record is discarded and PROD.OVFLG toggles unless
//   an overflow is already pending (OVFLG != CONS.OVACKFLG). A stall record
//   (rec_stall) is never discarded: it is not taken until there is space.
// * EVENTQEN (as acknowledged) = 0, or an unacknowledged EVENTQ_ABT_ERR: the
//   queue is not writable; non-stall records are discarded without OVFLG,
//   stall records wait (IHI 0070 7.2.1, 7.2.2).
// * PROD advances only after the record's write response is OKAY; a write
//   abort toggles GERROR.EVENTQ_ABT_ERR and the record is lost.
module smmu_evtq #(
    parameter OAS_BITS = 48,
    parameter N_SRC    = 2,
    parameter QS_MAX   = 19      // IDR1.EVENTQS
) (
    input  wire                   clk,
    input  wire                   rst,

    input  wire                   evtq_en,      // CR0ACK.EVENTQEN
    input  wire                   abt_active,   // GERROR.EVENTQ_ABT_ERR unacknowledged
    input  wire [OAS_BITS-1:0]    base,         // EVENTQ_BASE.ADDR (byte address)
    input  wire [4:0]             log2size,     // EVENTQ_BASE.LOG2SIZE
    input  wire [31:0]            prod,         // EVENTQ_PROD register
    input  wire [31:0]            cons,         // EVENTQ_CONS register
    output reg                    prod_we,
    output reg  [31:0]            prod_wdata,
    output reg                    abt_err,      // pulse: GERROR.EVENTQ_ABT_ERR
    output wire                   busy,         // a record write is in flight
    output wire                   can_write,    // a record offered now would be written

    input  wire [N_SRC*256-1:0]   rec_data,
    input  wire [N_SRC-1:0]       rec_stall,
    input  wire [N_SRC-1:0]       rec_valid,
    output wire [N_SRC-1:0]       rec_ready,

    // counters for the testbench summary / performance monitors
    output reg  [31:0]            cnt_written,
    output reg  [31:0]            cnt_dropped,

    output wire [OAS_BITS-1:0]    m_axi_tw_awaddr,
    output wire [7:0]             m_axi_tw_awlen,
    output wire                   m_axi_tw_awvalid,
    input  wire                   m_axi_tw_awready,
    output wire [63:0]            m_axi_tw_wdata,
    output wire                   m_axi_tw_wlast,
    output wire                   m_axi_tw_wvalid,
    input  wire                   m_axi_tw_wready,
    input  wire [1:0]             m_axi_tw_bresp,
    input  wire                   m_axi_tw_bvalid,
    output wire                   m_axi_tw_bready
);

localparam IDX_W = (N_SRC > 1) ? $clog2(N_SRC) : 1;

// ---------------------------------------------------------- queue state
wire [19:0] prod_idx, prod_inc;
wire        full;

// outputs this user does not need
wire [19:0] unused_qptr_cons_idx, unused_qptr_cons_inc;
wire        unused_qptr_empty;
wire        unused_qptr_ok = &{1'b0, unused_qptr_cons_idx, unused_qptr_cons_inc, unused_qptr_empty};

smmu_qptr #(.QS_MAX(QS_MAX)) qptr_inst (
    .log2size(log2size), .prod(prod[19:0]), .cons(cons[19:0]),
    .prod_idx(prod_idx), .cons_idx(unused_qptr_cons_idx), .prod_inc(prod_inc), .cons_inc(unused_qptr_cons_inc),
    .empty(unused_qptr_empty), .full(full)
);
wire        ov_pend = prod[31] != cons[31];
wire        unused_cons = &{1'b0, cons[30:20]};

// ---------------------------------------------------------- source choice
wire [IDX_W-1:0] pick;
wire             pick_valid;
wire             take;

// a stall record that cannot be written now is not picked: it waits while
// other sources' records are written or discarded
// (not in the cycle after a write abort either: GERROR is updated one cycle later)
wire             writable  = evtq_en && !abt_active && !abt_err;
assign           can_write = writable && !full;
wire [N_SRC-1:0] req_ok    = rec_valid & ~(rec_stall & {N_SRC{!can_write}});

smmu_rr_pick #(.N(N_SRC), .IDX_W(IDX_W)) rr_inst (
    .clk(clk), .rst(rst), .req(req_ok), .take(take),
    .pick(pick), .pick_valid(pick_valid)
);

localparam [1:0] S_IDLE = 2'd0, S_WRITE = 2'd1, S_RESP = 2'd2;
reg [1:0]   state_reg;
reg [255:0] rec_reg;
reg         aw_pend_reg;
reg [1:0]   wbeat_reg;
reg         w_pend_reg;
reg [OAS_BITS-1:0] addr_reg;

wire pick_stall = rec_stall[pick];
// what happens to the picked record this cycle
wire drop_now   = !pick_stall && !can_write;
assign take     = (state_reg == S_IDLE) && pick_valid && !prod_we && (can_write || drop_now);

genvar g;
generate
    for (g = 0; g < N_SRC; g = g + 1) begin : gen_src
        assign rec_ready[g] = take && (pick == g);
    end
endgenerate

assign busy = state_reg != S_IDLE;
assign m_axi_tw_awaddr  = addr_reg;
assign m_axi_tw_awlen   = 8'd3;
assign m_axi_tw_awvalid = aw_pend_reg;
assign m_axi_tw_wdata   = rec_reg[wbeat_reg*64 +: 64];
assign m_axi_tw_wlast   = wbeat_reg == 2'd3;
assign m_axi_tw_wvalid  = w_pend_reg;
assign m_axi_tw_bready  = state_reg == S_RESP;

always @(posedge clk) begin
    prod_we <= 1'b0;
    abt_err <= 1'b0;
    if (rst) begin
        state_reg   <= S_IDLE;
        rec_reg     <= 256'd0;
        aw_pend_reg <= 1'b0;
        w_pend_reg  <= 1'b0;
        wbeat_reg   <= 2'd0;
        addr_reg    <= {OAS_BITS{1'b0}};
        prod_wdata  <= 32'd0;
        cnt_written <= 32'd0;
        cnt_dropped <= 32'd0;
    end else begin
        case (state_reg)
            S_IDLE: if (take) begin
                if (can_write) begin
                    rec_reg     <= rec_data[pick*256 +: 256];
                    addr_reg    <= base + ({{(OAS_BITS-20){1'b0}}, prod_idx} << 5);
                    aw_pend_reg <= 1'b1;
                    w_pend_reg  <= 1'b1;
                    wbeat_reg   <= 2'd0;
                    state_reg   <= S_WRITE;
                end else begin
                    `SMMU_COUNT(cnt_dropped, 1'b1);
                    if (writable && !ov_pend) begin
                        prod_we    <= 1'b1;
                        prod_wdata <= {~prod[31], prod[30:0]};
                    end
                end
            end
            S_WRITE: begin
                if (m_axi_tw_awready)
                    aw_pend_reg <= 1'b0;
                if (m_axi_tw_wready && w_pend_reg) begin
                    wbeat_reg <= wbeat_reg + 1'b1;
                    if (wbeat_reg == 2'd3)
                        w_pend_reg <= 1'b0;
                end
                if ((!aw_pend_reg || m_axi_tw_awready) &&
                    (!w_pend_reg || (m_axi_tw_wready && wbeat_reg == 2'd3)))
                    state_reg <= S_RESP;
            end
            S_RESP: if (m_axi_tw_bvalid) begin
                state_reg <= S_IDLE;
                if (m_axi_tw_bresp == 2'b00) begin
                    prod_we     <= 1'b1;
                    prod_wdata  <= {prod[31:20], prod_inc};
                    `SMMU_COUNT(cnt_written, 1'b1);
                end else begin
                    abt_err <= 1'b1;
                end
            end
            default: state_reg <= S_IDLE;
        endcase
    end
end

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/, `make formal`); no simulator or linter defines FORMAL.
`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen) begin
    assert(state_reg != 2'd3);                               // a defined state
    if (state_reg != S_WRITE)                                // AW / W only while writing a record
        assert(!aw_pend_reg && !w_pend_reg);
    if (state_reg == S_WRITE)                                // while writing, something is left to send
        assert(aw_pend_reg || w_pend_reg);
    if (state_reg == S_WRITE && !w_pend_reg)                 // all four beats sent
        assert(wbeat_reg == 2'd0);
end
`endif

endmodule

`resetall
