`resetall
`timescale 1ns / 1ps
`default_nettype none

// Output buffer of a translation queue (smmu_xlt_q): decided transactions
// wait here, in the order they were chosen, for the read or write path
// (m_axi or the local responder). Two entries, like smmu_skid: in_ready is a
// register and the head drives the path from registers, so the table's
// choice and the path's per-ID checks and m_axi ready are never on one
// combinational path (the choice and the queue's conversion stage come
// before, the offer after). in_stale: the entry was already marked stale in
// the conversion stage.
//
// An entry here is committed: the head may be presented on m_axi in any
// cycle and AXI forbids withdrawing it. An invalidation (TLBI/CFGI) in the
// cycle an entry enters or while it waits marks it stale: sync_block holds
// CMD_SYNC until every stale entry has left, and the path counts a stale
// head as issued with an invalidated translation (smmu_id_cnt iss_stale), so
// the SYNC also waits for its completion downstream.
//
// q_v/q_id/q_flag show both entries: the queue's may-issue check (a locally
// answered transaction is chosen only when nothing of its ID waits here, so
// it does not block the head) and its park rule (q_flag: an unparked write,
// whose W route is pushed only at the head; no younger write may be parked
// before it, or the W data would be routed out of s_axi order).
module smmu_xlt_out #(
    parameter W    = 8,   // payload bits
    parameter ID_W = 4
) (
    input  wire              clk,
    input  wire              rst,

    input  wire              in_valid,
    input  wire [W-1:0]      in_data,
    input  wire [ID_W-1:0]   in_id,
    input  wire              in_flag,     // kept per entry for the caller (q_flag)
    input  wire              in_stale,    // the entry was decided before an invalidation
    output wire              in_ready,
    input  wire              inv,         // TLBI or CFGI this cycle

    output wire              out_valid,
    output wire [W-1:0]      out_data,
    output wire [ID_W-1:0]   out_id,
    output wire              out_stale,   // the head was decided before an invalidation
    input  wire              out_take,

    output wire [1:0]        q_v,
    output wire [2*ID_W-1:0] q_id,
    output wire [1:0]        q_flag,
    output wire              sync_block
);

reg [W-1:0]    h_data, t_data;
reg [ID_W-1:0] h_id, t_id;
reg            h_v, t_v, h_flag, t_flag, h_stale, t_stale;

assign in_ready   = !t_v;
assign out_valid  = h_v;
assign out_data   = h_data;
assign out_id     = h_id;
assign out_stale  = h_stale;
assign q_v        = {t_v, h_v};
assign q_id       = {t_id, h_id};
assign q_flag     = {t_flag, h_flag};
assign sync_block = (h_v && h_stale) || (t_v && t_stale);

wire in_go = in_valid && !t_v;

// payloads: no reset (valid bits keep theirs)
always @(posedge clk) begin
    if (!h_v || out_take) begin
        if (t_v) begin
            h_data <= t_data;
            h_id   <= t_id;
            h_flag <= t_flag;
        end else begin
            h_data <= in_data;
            h_id   <= in_id;
            h_flag <= in_flag;
        end
    end else if (in_go) begin
        t_data <= in_data;
        t_id   <= in_id;
        t_flag <= in_flag;
    end
end

always @(posedge clk) begin
    if (rst) begin
        h_v     <= 1'b0;
        t_v     <= 1'b0;
        h_stale <= 1'b0;
        t_stale <= 1'b0;
    end else if (!h_v || out_take) begin
        // the head is free this cycle: refill from the tail, else from the input
        if (t_v) begin
            h_v     <= 1'b1;
            h_stale <= t_stale || inv;
            t_v     <= 1'b0;
        end else begin
            h_v     <= in_valid;
            h_stale <= in_stale || inv;
        end
    end else begin
        h_stale <= h_stale || inv;
        if (in_go) begin
            t_v     <= 1'b1;
            t_stale <= in_stale || inv;
        end else
            t_stale <= t_stale || inv;
    end
end

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/units.sby xlt_out, and inside smmu_xlt_q / smmu_top).
`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
// entries in = entries out + entries held (nothing lost, nothing made up)
reg [3:0] f_held = 4'd0;
always @(posedge clk)
    if (rst)
        f_held <= 4'd0;
    else
        f_held <= f_held + {3'd0, in_valid && in_ready} - {3'd0, out_valid && out_take};
always @* if (f_rst_seen) begin
    assert(!t_v || h_v);                                     // the tail is used only behind a head
    assert(f_held == {3'd0, h_v} + {3'd0, t_v});
end
always @(posedge clk) if (f_rst_seen && !rst && $past(f_rst_seen && !rst)) begin
    // an offer is held, unchanged, until taken (AXI: no withdrawn or altered VALID)
    if ($past(out_valid && !out_take)) begin
        assert(out_valid);
        assert(out_data == $past(out_data) && out_id == $past(out_id) && h_flag == $past(h_flag));
        assert(out_stale || !$past(out_stale || inv));       // stale stays, an invalidation makes it
    end
    // the tail moves to the head when the head leaves
    if ($past(out_valid && out_take && t_v))
        assert(out_valid && out_data == $past(t_data) && out_id == $past(t_id) &&
               out_stale == $past(t_stale || inv));
    // an entry accepted in an invalidation's cycle is stale
    if ($past(in_valid && in_ready && !h_v && (inv || in_stale)))
        assert(out_stale);
    if ($past(in_valid && in_ready && h_v && !out_take && (inv || in_stale)))
        assert(t_stale);
    if ($past(in_valid && in_ready && h_v && !out_take))
        assert(t_v && t_data == $past(in_data) && t_id == $past(in_id));
    assert(in_ready == !t_v);
end
`endif

endmodule

`resetall
