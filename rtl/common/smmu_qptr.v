`resetall
`timescale 1ns / 1ps
`default_nettype none

// SMMUv3 queue pointer arithmetic, shared by the command queue, the event
// queue and the interrupt logic. A pointer is {wrap, index} in its low
// QS+1 bits, QS = min(LOG2SIZE, QS_MAX); bits above are not part of it.
// Empty: index and wrap equal. Full: index equal, wrap different.
module smmu_qptr #(
    parameter QS_MAX = 19          // IDR1.CMDQS / EVENTQS
) (
    input  wire [4:0]  log2size,   // *_BASE.LOG2SIZE as written
    input  wire [19:0] prod,
    input  wire [19:0] cons,
    output wire [19:0] prod_idx,   // index only
    output wire [19:0] cons_idx,
    output wire [19:0] prod_inc,   // prod advanced by one entry (bits above the pointer kept)
    output wire [19:0] cons_inc,
    output wire        empty,
    output wire        full
);

wire [4:0]  qs      = (log2size > QS_MAX[4:0]) ? QS_MAX[4:0] : log2size;
wire [19:0] idx_msk = (20'd1 << qs) - 20'd1;
wire [19:0] ptr_msk = (20'd2 << qs) - 20'd1;
wire [19:0] p       = prod & ptr_msk;
wire [19:0] c       = cons & ptr_msk;

assign prod_idx = p & idx_msk;
assign cons_idx = c & idx_msk;
assign prod_inc = (prod & ~ptr_msk) | ((p + 20'd1) & ptr_msk);
assign cons_inc = (cons & ~ptr_msk) | ((c + 20'd1) & ptr_msk);
assign empty    = p == c;
assign full     = (p ^ c) == (idx_msk + 20'd1);

// ---------------------------------------------------------------- formal properties
// Checked by yosys-sby only (formal/, `make formal`); no simulator or linter defines FORMAL.
`ifdef FORMAL
always @* begin
    assert((prod_idx & ~idx_msk) == 20'd0);                  // indices inside the queue
    assert((cons_idx & ~idx_msk) == 20'd0);
    assert((prod_inc & ~ptr_msk) == (prod & ~ptr_msk));      // bits above the pointer kept
    assert((cons_inc & ~ptr_msk) == (cons & ~ptr_msk));
    assert(!(empty && full));                                // never both
    if (p == c) assert(empty);
    // one increment from full wraps the index and toggles the wrap bit
    if ((p & idx_msk) == idx_msk) assert((prod_inc & idx_msk) == 20'd0 &&
                                          ((prod_inc ^ p) & (idx_msk + 20'd1)) != 20'd0);
end
`endif

endmodule

`resetall
