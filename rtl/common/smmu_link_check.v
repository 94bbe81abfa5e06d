`resetall
`timescale 1ns / 1ps
`default_nettype none

// Protocol checker of the TBU-TCU link (docs/architecture.md "TBU and TCU"),
// instantiated in smmu_tcu where every queue's link signals meet. Nothing here
// is synthesised: in simulation a broken rule prints LINK and sets `err`
// (sticky, part of smmu_top's dbg_invariant_err); under FORMAL each rule is an
// assertion. Queue q = 2t (reads) / 2t+1 (writes) of TBU t.
//
//  L1 configuration requests: the TCU takes at most one per cycle, and only
//     from a queue that asks (c_req_ready one-hot or zero, within c_req_valid).
//  L2 configuration answers: at most one per cycle, only to a queue with a
//     request taken and not yet answered; at most one request is unanswered
//     over all queues (one lookup at a time).
//  L3 fault records: the event queue takes at most one per cycle, from a queue
//     that offers one (e_ready: what the event queue took; a stall record the
//     TCU drops with SMMUEN=0 is not a take).
//  L4 stall tags: a queue allocates a tag exactly when its stall record is
//     taken, only while a tag is free and the event queue can write; an entry
//     holding a tag never asks for a second one.
//  L5 stall actions name only entries that hold a tag: a RESUME names one entry
//     of one queue; a STALL_TERM (broadcast with its StreamID) ends the tagged
//     entries of that StreamID, SMMUEN=0 every tagged entry.
module smmu_link_check #(
    parameter NQ     = 2,
    parameter PEND   = 24,
    parameter PIDX_W = 5,
    parameter SID_W  = 8
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 smmuen,
    input  wire [NQ-1:0]        c_req_valid,
    input  wire [NQ-1:0]        c_req_ready,
    input  wire [NQ-1:0]        c_resp_valid,
    input  wire [NQ-1:0]        e_valid,
    input  wire [NQ-1:0]        e_ready,
    input  wire [NQ-1:0]        e_stall,
    input  wire                 e_stall_ok,   // the event queue can write now (not the link's hint)
    input  wire                 st_avail,
    input  wire [NQ-1:0]        st_alloc,
    input  wire [NQ*PIDX_W-1:0] st_alloc_idx,
    input  wire [NQ*SID_W-1:0]  st_alloc_sid,
    input  wire [NQ-1:0]        act_res,
    input  wire [PIDX_W-1:0]    act_idx,
    input  wire                 act_term,
    input  wire [SID_W-1:0]     act_sid,
    output reg                  err
);

function onehot0;
    input [NQ-1:0] v;
    begin
        onehot0 = (v & (v - 1'b1)) == {NQ{1'b0}};
    end
endfunction

reg  [NQ-1:0]      c_out;      // request taken, answer not yet given
reg  [NQ*PEND-1:0] stl;        // entries holding a stall tag
reg  [SID_W-1:0]   stl_sid [0:NQ*PEND-1];   // ... and their StreamIDs
reg  [NQ*PEND-1:0] alloc_bit;
reg                l4_dup;
reg  [NQ*PEND-1:0] res_bit;    // the entry a RESUME names
reg  [NQ*PEND-1:0] term_bit;   // the tagged entries a STALL_TERM ends
always @* begin
    alloc_bit = {(NQ*PEND){1'b0}};
    l4_dup    = 1'b0;
    res_bit   = {(NQ*PEND){1'b0}};
    term_bit  = {(NQ*PEND){1'b0}};
    for (integer q = 0; q < NQ; q = q + 1) begin
        if (st_alloc[q]) begin
            alloc_bit[q*PEND + 32'(st_alloc_idx[q*PIDX_W +: PIDX_W])] = 1'b1;
            l4_dup = l4_dup || stl[q*PEND + 32'(st_alloc_idx[q*PIDX_W +: PIDX_W])];
        end
        if (act_res[q] && 32'(act_idx) < PEND)
            res_bit[q*PEND + 32'(act_idx)] = 1'b1;
        for (integer i = 0; i < PEND; i = i + 1)
            if (act_term && stl[q*PEND + i] && stl_sid[q*PEND + i] == act_sid)
                term_bit[q*PEND + i] = 1'b1;
    end
end
wire [NQ-1:0] e_take = e_valid & e_ready;

wire l1 = onehot0(c_req_ready) && (c_req_ready & ~c_req_valid) == {NQ{1'b0}};
wire l2 = onehot0(c_resp_valid) && (c_resp_valid & ~c_out) == {NQ{1'b0}} && onehot0(c_out);
wire l3 = onehot0(e_ready) && (e_ready & ~e_valid) == {NQ{1'b0}};
wire l4 = st_alloc == (e_take & e_stall) && (st_alloc == {NQ{1'b0}} || (st_avail && e_stall_ok)) && !l4_dup;
wire l5 = onehot0(act_res) && !(act_res != {NQ{1'b0}} && act_term) &&
          (res_bit & ~stl) == {(NQ*PEND){1'b0}} &&
          (act_res == {NQ{1'b0}} || res_bit != {(NQ*PEND){1'b0}});

always @(posedge clk) begin
    if (rst) begin
        c_out <= {NQ{1'b0}};
        stl   <= {(NQ*PEND){1'b0}};
    end else begin
        c_out <= (c_out & ~c_resp_valid) | c_req_ready;
        stl   <= smmuen ? ((stl & ~res_bit & ~term_bit) | alloc_bit) : {(NQ*PEND){1'b0}};
    end
    for (integer q = 0; q < NQ; q = q + 1)
        if (st_alloc[q])
            stl_sid[q*PEND + 32'(st_alloc_idx[q*PIDX_W +: PIDX_W])] <= st_alloc_sid[q*SID_W +: SID_W];
end

`ifndef FORMAL
reg dbg_rst_seen;   // random initial state (Verilator x-initial) is not checked
initial dbg_rst_seen = 1'b0;
initial err = 1'b0;
always @(posedge clk) begin
    if (rst)
        dbg_rst_seen <= 1'b1;
    else if (dbg_rst_seen && !(l1 && l2 && l3 && l4 && l5)) begin
        err <= 1'b1;
`ifndef SYNTHESIS
        $display("%t smmu_link_check: INVARIANT (LINK) broken: L1 %b L2 %b L3 %b L4 %b L5 %b (1 = holds); req_valid %b ready %b resp %b outstanding %b e_valid %b e_ready %b e_stall %b st_alloc %b",
                 $time, l1, l2, l3, l4, l5, c_req_valid, c_req_ready, c_resp_valid, c_out, e_valid, e_ready,
                 e_stall, st_alloc);
`endif
    end
end
`else
initial err = 1'b0;
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen && !rst) begin
    assert(l1);
    assert(l2);
    assert(l3);
    assert(l4);
    assert(l5);
end
`endif

endmodule

`resetall
