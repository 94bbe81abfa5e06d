`resetall
`timescale 1ns / 1ps
`default_nettype none

// Synchronous show-ahead FIFO (first word visible on m_data while m_valid).
module smmu_fifo #(
    parameter WIDTH      = 8,  // payload bits
    parameter DEPTH_LOG2 = 4   // 2**DEPTH_LOG2 entries
) (
    input  wire             clk,
    input  wire             rst,      // synchronous, active high

    input  wire [WIDTH-1:0] s_data,
    input  wire             s_valid,
    output wire             s_ready,

    output wire [WIDTH-1:0] m_data,
    output wire             m_valid,
    input  wire             m_ready,

    output wire [DEPTH_LOG2:0] count     // entries held
);

localparam DEPTH = 1 << DEPTH_LOG2;

reg [WIDTH-1:0]    mem [0:DEPTH-1];
reg [DEPTH_LOG2:0] wr_ptr_reg, rd_ptr_reg;

wire empty = wr_ptr_reg == rd_ptr_reg;
wire full  = (wr_ptr_reg ^ rd_ptr_reg) == {1'b1, {DEPTH_LOG2{1'b0}}};

assign s_ready = !full;
assign count   = wr_ptr_reg - rd_ptr_reg;
assign m_valid = !empty;
assign m_data  = mem[rd_ptr_reg[DEPTH_LOG2-1:0]];

always @(posedge clk) begin
    if (s_valid && !full) begin
        mem[wr_ptr_reg[DEPTH_LOG2-1:0]] <= s_data;
    end
end

always @(posedge clk) begin
    if (rst) begin
        wr_ptr_reg <= {(DEPTH_LOG2+1){1'b0}};
        rd_ptr_reg <= {(DEPTH_LOG2+1){1'b0}};
    end else begin
        if (s_valid && !full)
            wr_ptr_reg <= wr_ptr_reg + 1'b1;
        if (m_ready && !empty)
            rd_ptr_reg <= rd_ptr_reg + 1'b1;
    end
end

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/, `make formal`); no simulator or linter defines FORMAL.
`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen) begin
    assert(count <= DEPTH);                                  // pointers at most DEPTH apart
    assert(m_valid == (count != 0));
end
`endif

endmodule

`resetall
