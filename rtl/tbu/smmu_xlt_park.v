`resetall
`timescale 1ns / 1ps
`default_nettype none

// Write order of a translation queue's pending table (smmu_xlt_tbl): which READY entries may
// leave (rdy), and the park request (PARK=1).
//
// W data has no ID and arrives in s_axi AW order, so a write may only overtake older pending
// writes whose W data is parked (smmu_xlt_q). The unparked pending writes are kept in s_axi
// order in a FIFO of entry indexes: entries enter at the tail when they enter the table and
// leave from the head only, when the head is parked or leaves the table (no other unparked
// write may leave). The head is the oldest unparked write: it asks the write path for a park
// slot when it is not about to be offered and is short enough (WB_BEATS), and not while an
// unparked write waits in the conversion stage or the output buffer (wr_wait: its W route is
// pushed at the buffer's head, and a park route pushed before it would take its W data).
// An entry may leave when it is READY with nothing older of its ID pending, its configuration
// record is out, and (writes) it is parked or the oldest unparked one. PARK=0: no FIFO, no
// request.
module smmu_xlt_park #(
    parameter PEND     = 8,
    parameter PIDX_W   = 3,
    parameter PARK     = 0,
    parameter WB_BEATS = 16
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              push,       // entry free_idx enters the table
    input  wire [PIDX_W-1:0] free_idx,
    input  wire [PEND-1:0]   ent_v,      // the entries: valid ...
    input  wire [PEND-1:0]   ent_rdy,    // ... READY
    input  wire [PEND-1:0]   ent_old0,   // ... nothing older of their ID pending
    input  wire [PEND-1:0]   ent_rwait,  // ... their configuration record still buffered
    input  wire [PEND-1:0]   ent_park,   // ... W data parked
    output reg  [PEND-1:0]   rdy,        // may leave the table
    input  wire              leave,      // entry sel_idx leaves
    input  wire [PIDX_W-1:0] sel_idx,
    output wire              uf_valid,   // an unparked write is pending ...
    output wire [PIDX_W-1:0] uf_head,    // ... and this is the oldest
    input  wire [7:0]        hd_len,     // its AxLEN
    input  wire              wr_wait,
    output wire              pk_valid,   // the park request (of entry uf_head)
    input  wire              pk_ready,
    output wire              pk_take
);

wire            uf_pop;
wire [PIDX_W:0] uf_count;
wire            uf_room;    // (never full: one index per entry)
smmu_fifo #(.WIDTH(PIDX_W), .DEPTH_LOG2(PIDX_W)) unparked_inst (
    .clk(clk), .rst(rst),
    .s_data(free_idx), .s_valid(PARK != 0 && push), .s_ready(uf_room),
    .m_data(uf_head), .m_valid(uf_valid), .m_ready(uf_pop),
    .count(uf_count)
);
wire unused_uf = &{1'b0, uf_count, uf_room, ent_v};   // (read by the formal invariants below)

always @* begin
    for (integer i = 0; i < PEND; i = i + 1)
        rdy[i] = ent_rdy[i] && ent_old0[i] && !ent_rwait[i] &&
                 (PARK == 0 || ent_park[i] || (uf_valid && uf_head == i[PIDX_W-1:0]));
end
wire pc_any = PARK != 0 && uf_valid && !rdy[uf_head] && {1'b0, hd_len} < 9'(WB_BEATS);
assign pk_valid = pc_any && !wr_wait;
assign pk_take  = pk_valid && pk_ready;
// the oldest unparked write leaves the FIFO: parked, or chosen for the output
assign uf_pop = pk_take || (leave && uf_valid && sel_idx == uf_head);

// ---------------------------------------------------------------- formal invariants
`ifdef FORMAL
integer f_n_unparked;
always @* begin
    f_n_unparked = 0;
    for (integer i = 0; i < PEND; i = i + 1)
        if (ent_v[i] && !ent_park[i])
            f_n_unparked = f_n_unparked + 1;
end
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
// the FIFO holds exactly the unparked pending writes, its head among them
always @* if (f_rst_seen && PARK != 0) begin
    assert({{(31-PIDX_W){1'b0}}, uf_count} == f_n_unparked);
    if (uf_valid)
        assert(ent_v[uf_head] && !ent_park[uf_head]);
    if (push)
        assert(uf_room);
end
`endif

endmodule

`resetall
