`resetall
`timescale 1ns / 1ps
`default_nettype none

// Command queue consumer: fetches 16-byte commands from CONS up to PROD over
// the walker port, executes them in order and advances CONS.
//
// * CFGI_*       -> cfgi_* (one-cycle invalidate of the configuration cache)
// * TLBI_*       -> tlbi_* (one-cycle invalidate, consumed by the TLB)
// * CMD_SYNC     -> completes only when no configuration fetch or walk that
//                   was in flight when an earlier invalidation arrived is
//                   still running (sync_block); CS=IRQ pulses sync_irq.
// * RESUME / STALL_TERM -> resume_* / stall_term_* to the stall queue.
// * Anything illegal -> CONS stays on the command, CONS.ERR = ILL (1),
//   GERROR.CMDQ_ERR toggles (err_set); a bus error on the fetch gives ERR = ABT
//   (2). Processing restarts from CONS once software acknowledges GERRORN.
module smmu_cmdq #(
    parameter OAS_BITS    = 48,
    parameter QS_MAX      = 19,   // IDR1.CMDQS
    parameter STALL_MODEL = 0,
    parameter S1P         = 1     // stage-1 commands legal
) (
    input  wire                clk,
    input  wire                rst,

    input  wire                cmdq_en,        // CR0ACK.CMDQEN
    input  wire [OAS_BITS-1:0] base,           // CMDQ_BASE.ADDR (byte address)
    input  wire [4:0]          log2size,
    input  wire [31:0]         prod,           // CMDQ_PROD
    input  wire [31:0]         cons,           // CMDQ_CONS
    input  wire                err_active,     // GERROR.CMDQ_ERR != GERRORN.CMDQ_ERR
    output reg                 cons_we,
    output reg  [31:0]         cons_wdata,
    output reg                 err_set,        // pulse: toggle GERROR.CMDQ_ERR
    output wire                busy,           // a command is being fetched or executed

    // walker-port read client
    output wire [OAS_BITS-1:0] rd_addr,
    output wire [7:0]          rd_len,
    output wire                rd_valid,
    input  wire                rd_ready,
    input  wire                rd_rvalid,
    input  wire [63:0]         rd_rdata,
    input  wire [1:0]          rd_rresp,

    // configuration-cache invalidation: entries with (sid & mask) == (cfgi_sid & mask)
    output reg                 cfgi_valid,
    output reg  [31:0]         cfgi_sid,
    output reg  [31:0]         cfgi_mask,

    // TLB invalidation
    output reg                 tlbi_valid,
    output reg  [7:0]          tlbi_op,
    output reg  [15:0]         tlbi_asid,
    output reg  [63:12]        tlbi_va,
    output reg                 tlbi_leaf,

    // stall queue
    output reg                 resume_valid,
    output reg  [31:0]         resume_sid,
    output reg  [15:0]         resume_stag,
    output reg  [1:0]          resume_resp,    // 0 TERM, 1 RETRY, 2 ABORT
    output reg                 stall_term_valid,
    output reg  [31:0]         stall_term_sid,

    input  wire                sync_block,     // an invalidated fetch/walk still in flight
    output reg                 sync_irq,

    output reg  [31:0]         cnt_cmds,       // commands completed
    output reg  [31:0]         cnt_errors
);

localparam [7:0] OP_PREFETCH_CONFIG = 8'h01, OP_PREFETCH_ADDR = 8'h02,
                 OP_CFGI_STE = 8'h03, OP_CFGI_STE_RANGE = 8'h04, OP_CFGI_CD = 8'h05,
                 OP_CFGI_CD_ALL = 8'h06,
                 OP_TLBI_NH_ALL = 8'h10, OP_TLBI_NH_ASID = 8'h11, OP_TLBI_NH_VA = 8'h12,
                 OP_TLBI_NH_VAA = 8'h13, OP_TLBI_NSNH_ALL = 8'h30,
                 OP_RESUME = 8'h44, OP_STALL_TERM = 8'h45, OP_SYNC = 8'h46;
localparam [6:0] ERR_ILL = 7'd1, ERR_ABT = 7'd2;

// ---------------------------------------------------------- queue state
wire [19:0] cons_idx, cons_inc;
wire        empty;

// outputs this user does not need
wire [19:0] unused_qptr_prod_idx, unused_qptr_prod_inc;
wire        unused_qptr_full;
wire        unused_qptr_ok = &{1'b0, unused_qptr_prod_idx, unused_qptr_prod_inc, unused_qptr_full};

smmu_qptr #(.QS_MAX(QS_MAX)) qptr_inst (
    .log2size(log2size), .prod(prod[19:0]), .cons(cons[19:0]),
    .prod_idx(unused_qptr_prod_idx), .cons_idx(cons_idx), .prod_inc(unused_qptr_prod_inc), .cons_inc(cons_inc),
    .empty(empty), .full(unused_qptr_full)
);

localparam [2:0] S_IDLE = 3'd0, S_AR = 3'd1, S_R = 3'd2, S_EXEC = 3'd3, S_SYNC = 3'd4,
                 S_ERR = 3'd5, S_DONE = 3'd6;
reg [2:0]  state_reg;
reg [63:0] dw0_reg, dw1_reg;
reg        beat_reg, abt_reg;

assign busy     = (state_reg != S_IDLE) && (state_reg != S_ERR);
assign rd_addr  = base + ({{(OAS_BITS-20){1'b0}}, cons_idx} << 4);
assign rd_len   = 8'd1;
assign rd_valid = state_reg == S_AR;

// ---------------------------------------------------------- decode
wire [7:0]  op   = dw0_reg[7:0];
wire        ssec = dw0_reg[10];
wire [1:0]  cs   = dw0_reg[13:12];
// SSV/SubstreamID (CFGI_CD is over-approximated by its StreamID), SYNC MSI
// fields (no MSI) and PROD's upper bits carry nothing this consumer needs
wire unused_cmd = &{1'b0, dw0_reg[31:14], dw0_reg[11], dw0_reg[9:8], prod[31:20]};

reg legal;
always @* begin
    case (op)
        OP_PREFETCH_CONFIG, OP_PREFETCH_ADDR,
        OP_CFGI_STE, OP_CFGI_STE_RANGE, OP_CFGI_CD, OP_CFGI_CD_ALL:
            legal = !ssec;
        OP_TLBI_NH_ALL, OP_TLBI_NH_ASID, OP_TLBI_NH_VA, OP_TLBI_NH_VAA:
            legal = S1P != 0;
        OP_TLBI_NSNH_ALL:
            legal = 1'b1;
        OP_RESUME, OP_STALL_TERM:
            legal = (STALL_MODEL != 1) && !ssec;
        OP_SYNC:
            legal = cs != 2'd3;
        default:
            legal = 1'b0;   // TLBI_EL2_* (no HYP), S2 (no S2P), ATC/PRI, unknown
    endcase
end

// CFGI_STE_RANGE covers 2^(Range+1) StreamIDs aligned to that size (Range 31: all)
wire [4:0]  range    = dw1_reg[4:0];
wire [31:0] rng_mask = (range == 5'd31) ? 32'd0 : ~((32'd2 << range) - 32'd1);

always @(posedge clk) begin
    cons_we          <= 1'b0;
    err_set          <= 1'b0;
    cfgi_valid       <= 1'b0;
    tlbi_valid       <= 1'b0;
    resume_valid     <= 1'b0;
    stall_term_valid <= 1'b0;
    sync_irq         <= 1'b0;
    if (rst) begin
        state_reg  <= S_IDLE;
        dw0_reg    <= 64'd0;
        dw1_reg    <= 64'd0;
        beat_reg   <= 1'b0;
        abt_reg    <= 1'b0;
        cons_wdata <= 32'd0;
        cfgi_sid   <= 32'd0;
        cfgi_mask  <= 32'd0;
        tlbi_op    <= 8'd0;
        tlbi_asid  <= 16'd0;
        tlbi_va    <= 52'd0;
        tlbi_leaf  <= 1'b0;
        resume_sid <= 32'd0;
        resume_stag <= 16'd0;
        resume_resp <= 2'd0;
        stall_term_sid <= 32'd0;
        cnt_cmds   <= 32'd0;
        cnt_errors <= 32'd0;
    end else begin
        case (state_reg)
            S_IDLE: if (cmdq_en && !err_active && !empty && !cons_we)
                state_reg <= S_AR;
            S_AR: if (rd_ready) begin
                state_reg <= S_R;
                beat_reg  <= 1'b0;
                abt_reg   <= 1'b0;
            end
            S_R: if (rd_rvalid) begin
                if (rd_rresp != 2'b00)
                    abt_reg <= 1'b1;
                if (!beat_reg)
                    dw0_reg <= rd_rdata;
                else
                    dw1_reg <= rd_rdata;
                beat_reg <= 1'b1;
                if (beat_reg)
                    state_reg <= S_EXEC;
            end
            S_EXEC: begin
                if (abt_reg || !legal) begin
                    cons_we    <= 1'b1;
                    cons_wdata <= {1'b0, abt_reg ? ERR_ABT : ERR_ILL, cons[23:0]};
                    err_set    <= 1'b1;
                    cnt_errors <= cnt_errors + 1'b1;
                    state_reg  <= S_ERR;
                end else begin
                    case (op)
                        OP_CFGI_STE, OP_CFGI_CD, OP_CFGI_CD_ALL: begin
                            cfgi_valid <= 1'b1;
                            cfgi_sid   <= dw0_reg[63:32];
                            cfgi_mask  <= 32'hFFFF_FFFF;
                        end
                        OP_CFGI_STE_RANGE: begin
                            cfgi_valid <= 1'b1;
                            cfgi_sid   <= dw0_reg[63:32];
                            cfgi_mask  <= rng_mask;
                        end
                        OP_TLBI_NH_ALL, OP_TLBI_NH_ASID, OP_TLBI_NH_VA, OP_TLBI_NH_VAA,
                        OP_TLBI_NSNH_ALL: begin
                            tlbi_valid <= 1'b1;
                            tlbi_op    <= op;
                            tlbi_asid  <= dw0_reg[63:48];
                            tlbi_va    <= dw1_reg[63:12];
                            tlbi_leaf  <= dw1_reg[0];
                        end
                        OP_RESUME: begin
                            resume_valid <= 1'b1;
                            resume_sid   <= dw0_reg[63:32];
                            resume_stag  <= dw1_reg[15:0];
                            resume_resp  <= dw0_reg[13:12];
                        end
                        OP_STALL_TERM: begin
                            stall_term_valid <= 1'b1;
                            stall_term_sid   <= dw0_reg[63:32];
                        end
                        default: ;
                    endcase
                    state_reg <= (op == OP_SYNC) ? S_SYNC : S_DONE;
                end
            end
            // one cycle after an invalidation pulse, its target has seen it;
            // a SYNC additionally waits for invalidated work still in flight
            S_SYNC: if (!sync_block) begin
                sync_irq  <= cs == 2'd1;
                state_reg <= S_DONE;
            end
            S_DONE: begin
                cons_we    <= 1'b1;
                cons_wdata <= {cons[31:20], cons_inc};
                cnt_cmds   <= cnt_cmds + 1'b1;
                state_reg  <= S_IDLE;
            end
            // wait for software to acknowledge via GERRORN, then refetch at CONS
            S_ERR: if (!err_set && !err_active && !cons_we)
                state_reg <= S_IDLE;
            default: state_reg <= S_IDLE;
        endcase
    end
end

endmodule

`resetall
