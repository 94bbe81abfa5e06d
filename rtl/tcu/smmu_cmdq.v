`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_count.vh"

// Command queue consumer: fetches 16-byte commands from CONS up to PROD over
// the walker port in bursts (up to MAX_BURST commands per read, never past
// PROD as read when the burst is requested, the wrap point or a 4 KiB
// boundary) into a CMD_BUF-entry buffer, requesting the next burst while
// the buffered commands execute. Commands execute in order, one per cycle;
// CONS advances as each one completes.
//
// * CFGI_*       -> cfgi_* (one-cycle invalidate of the configuration cache)
// * TLBI_*       -> tlbi_* (one-cycle invalidate, consumed by the TLB)
// * CMD_SYNC     -> completes only when no configuration fetch or walk that
//                   was in flight when an earlier invalidation arrived is
//                   still running (sync_block); CS=IRQ pulses sync_irq.
// * RESUME / STALL_TERM -> resume_* / stall_term_* to the stall queue.
// * Anything illegal -> CONS stays on the command, CONS.ERR = ILL (1),
//   GERROR.CMDQ_ERR toggles (err_set); a bus error on the fetch of a command
//   gives ERR = ABT (2) on that command (the ones before it still execute).
//   Prefetched commands after it are discarded; processing restarts from
//   CONS once software acknowledges GERRORN.
// * CMDQEN cleared: the command in progress (a SYNC) completes, prefetched
//   commands are discarded, reads still in flight are drained (busy holds
//   CR0ACK.CMDQEN); after re-enabling, fetching restarts from CONS.
module smmu_cmdq #(
    parameter OAS_BITS    = 48,
    parameter QS_MAX      = 19,   // IDR1.CMDQS
    parameter STALL_MODEL = 0,
    parameter S1P         = 1,    // stage-1 commands legal
    parameter CMD_BUF     = 16,   // buffered commands (power of 2, >= MAX_BURST)
    parameter MAX_BURST   = 8,    // commands per read (2 beats each), 1..16
    parameter YIELD_BURST = 1     // commands per read while translation work uses the port
) (
    input  wire                clk,
    input  wire                rst,

    input  wire                cmdq_en,        // CR0ACK.CMDQEN
    input  wire                cmdq_en_req,    // CR0.CMDQEN (a disable is pending when 0)
    input  wire [OAS_BITS-1:0] base,           // CMDQ_BASE.ADDR (byte address)
    input  wire [4:0]          log2size,
    input  wire [31:0]         prod,           // CMDQ_PROD
    input  wire [31:0]         cons,           // CMDQ_CONS
    input  wire                err_active,     // GERROR.CMDQ_ERR != GERRORN.CMDQ_ERR
    output reg                 cons_we,
    output reg  [31:0]         cons_wdata,
    output reg                 err_set,        // pulse: toggle GERROR.CMDQ_ERR
    output wire                busy,           // a read in flight or a SYNC in progress

    // walker-port read client (rd_len = AXI ARLEN: beats - 1)
    output wire [OAS_BITS-1:0] rd_addr,
    output wire [7:0]          rd_len,
    output wire                rd_valid,
    input  wire                yield_req,      // walks / configuration fetches are in progress
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
// Pointers are {wrap, index} masked to QS+1 bits (QS = min(LOG2SIZE, QS_MAX)):
//   cptr  the command being executed (CONS as this block knows it; the
//         register follows one cycle later)
//   wptr  the next command whose beats arrive (cptr..wptr-1 are buffered)
//   fptr  the next command to request (wptr..fptr-1 are being read)
// A command lives in buffer slot ptr[LB-1:0]: at most CMD_BUF consecutive
// pointers lie between cptr and fptr, so their slots are distinct.
localparam LB = (CMD_BUF > 1) ? $clog2(CMD_BUF) : 1;
localparam [19:0] BUF_N   = CMD_BUF;
localparam [19:0] BURST_N = MAX_BURST;

wire [4:0]  qs      = (log2size > QS_MAX[4:0]) ? QS_MAX[4:0] : log2size;
wire [19:0] idx_msk = (20'd1 << qs) - 20'd1;
wire [19:0] ptr_msk = (20'd2 << qs) - 20'd1;
wire [19:0] prod_p  = prod[19:0] & ptr_msk;
wire [19:0] cons_p  = cons[19:0] & ptr_msk;
wire [19:0] cons_hi = cons[19:0] & ~ptr_msk;   // bits above the pointer, kept

reg  [19:0]         cptr, wptr, fptr;
reg                 live;        // buffer and pointers valid: commands may execute
reg                 ar_pending;  // a burst request waits for rd_ready
reg  [OAS_BITS-1:0] ar_addr;
reg  [4:0]          ar_n;        // commands in that request
reg  [5:0]          inflight;    // commands requested (AR accepted) not yet fully received
reg                 half;        // the next beat is the second one of its command
reg                 half_abt;    // the first beat of that command had an error
reg                 sync_wait;   // a CMD_SYNC waits for sync_block
reg  [1:0]          sync_cs;
reg  [CMD_BUF-1:0]  abt_v;       // per slot: the command's fetch had a bus error

// enabled as software sees it (ACK) and still requested (CR0): a disable stops
// at a command boundary, then discards what was prefetched
wire run = cmdq_en && cmdq_en_req;

// ---------------------------------------------------------- fetch
// the largest burst below PROD, the wrap point, a 4 KiB boundary and
// MAX_BURST, requested once the buffer has room for all of it
wire [19:0]         ahead   = (fptr - cptr) & ptr_msk;
wire [19:0]         avail   = (prod_p - fptr) & ptr_msk;
wire [19:0]         fidx    = fptr & idx_msk;
wire [19:0]         to_wrap = idx_msk - fidx + 20'd1;
wire [OAS_BITS-1:0] faddr   = base + ({{(OAS_BITS-20){1'b0}}, fidx} << 4);
wire [19:0]         to_4k   = 20'd256 - {12'd0, faddr[11:4]};
wire [19:0]         space   = BUF_N - ahead;
reg  [19:0]         want;
// While walks or configuration fetches are in progress the queue yields the
// walker port: short bursts (YIELD_BURST commands) and one at a time, so a
// descriptor read waits behind at most 2*YIELD_BURST command beats.
localparam [19:0] YIELD_N = YIELD_BURST;
always @* begin
    want = yield_req ? YIELD_N : BURST_N;
    if (avail < want)
        want = avail;
    if (to_wrap < want)
        want = to_wrap;
    if (to_4k < want)
        want = to_4k;
end

// ---------------------------------------------------------- buffer
// R beats come back in request order (one ARID), two per command; payload
// RAM without reset
reg  [63:0]   buf_lo [0:CMD_BUF-1];
reg  [63:0]   buf_hi [0:CMD_BUF-1];
wire [LB-1:0] wslot     = wptr[LB-1:0];
wire          beat_keep = rd_rvalid && live;

always @(posedge clk) begin
    if (beat_keep && !half)
        buf_lo[wslot] <= rd_rdata;
    if (beat_keep && half)
        buf_hi[wslot] <= rd_rdata;
end

// ---------------------------------------------------------- decode (command at cptr)
wire [LB-1:0] cslot = cptr[LB-1:0];
wire [63:0]   dw0   = buf_lo[cslot];
wire [63:0]   dw1   = buf_hi[cslot];
wire [7:0]    op    = dw0[7:0];
wire          ssec  = dw0[10];
wire [1:0]    cs    = dw0[13:12];

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
wire [4:0]  range    = dw1[4:0];
wire [31:0] rng_mask = (range == 5'd31) ? 32'd0 : ~((32'd2 << range) - 32'd1);

// SSV/SubstreamID (CFGI_CD is over-approximated by its StreamID), SYNC MSI
// fields (no MSI), PROD's upper bits and address bits that never limit a
// burst carry nothing this consumer needs
wire unused_ok = &{1'b0, dw0[31:14], dw0[11], dw0[9:8], prod[31:20],
                   faddr[OAS_BITS-1:12], faddr[3:0]};

// ---------------------------------------------------------- control
wire        have     = cptr != wptr;
wire        exec_go  = live && run && have && !sync_wait;
wire        cmd_abt  = abt_v[cslot];
wire        cmd_bad  = cmd_abt || !legal;
wire [19:0] cptr_inc = (cptr + 20'd1) & ptr_msk;
wire        ar_fire  = ar_pending && rd_ready;
wire        fetch_go = live && run && !ar_pending && (want != 20'd0) && (space >= want) &&
                       (!yield_req || inflight == 6'd0) &&
                       !(exec_go && cmd_bad);
wire        restart  = !live && run && !err_active && !err_set && !cons_we && !ar_pending &&
                       (inflight == 6'd0) && !sync_wait;

assign busy     = ar_pending || (inflight != 6'd0) || sync_wait;
assign rd_addr  = ar_addr;
assign rd_len   = {2'd0, ar_n, 1'b0} - 8'd1;
assign rd_valid = ar_pending;

always @(posedge clk) begin
    cons_we          <= 1'b0;
    err_set          <= 1'b0;
    cfgi_valid       <= 1'b0;
    tlbi_valid       <= 1'b0;
    resume_valid     <= 1'b0;
    stall_term_valid <= 1'b0;
    sync_irq         <= 1'b0;
    if (rst) begin
        cptr           <= 20'd0;
        wptr           <= 20'd0;
        fptr           <= 20'd0;
        live           <= 1'b0;
        ar_pending     <= 1'b0;
        ar_addr        <= {OAS_BITS{1'b0}};
        ar_n           <= 5'd0;
        inflight       <= 6'd0;
        half           <= 1'b0;
        half_abt       <= 1'b0;
        abt_v          <= {CMD_BUF{1'b0}};
        sync_wait      <= 1'b0;
        sync_cs        <= 2'd0;
        cons_wdata     <= 32'd0;
        cfgi_sid       <= 32'd0;
        cfgi_mask      <= 32'd0;
        tlbi_op        <= 8'd0;
        tlbi_asid      <= 16'd0;
        tlbi_va        <= 52'd0;
        tlbi_leaf      <= 1'b0;
        resume_sid     <= 32'd0;
        resume_stag    <= 16'd0;
        resume_resp    <= 2'd0;
        stall_term_sid <= 32'd0;
        cnt_cmds       <= 32'd0;
        cnt_errors     <= 32'd0;
    end else begin
        // ---- requests: one AR waiting at a time, any number of bursts in flight
        if (ar_fire)
            ar_pending <= 1'b0;
        if (fetch_go) begin
            ar_pending <= 1'b1;
            ar_addr    <= faddr;
            ar_n       <= want[4:0];
            fptr       <= (fptr + want) & ptr_msk;
        end
        inflight <= inflight + (ar_fire ? {1'b0, ar_n} : 6'd0) - ((rd_rvalid && half) ? 6'd1 : 6'd0);

        // ---- beats (dropped while not live: a flush drains what is still in flight)
        if (rd_rvalid) begin
            half <= !half;
            if (!half)
                half_abt <= rd_rresp != 2'b00;
            else if (live) begin
                abt_v[wslot] <= half_abt || (rd_rresp != 2'b00);
                wptr         <= (wptr + 20'd1) & ptr_msk;
            end
        end

        // ---- (re)start from CONS; stop and discard on a disable
        if (restart) begin
            live <= 1'b1;
            cptr <= cons_p;
            wptr <= cons_p;
            fptr <= cons_p;
        end
        if (live && !run)
            live <= 1'b0;

        // ---- execute the command at cptr, one per cycle
        if (exec_go) begin
            if (cmd_bad) begin
                // CONS stays on the command; the rest is discarded until GERRORN
                cons_we    <= 1'b1;
                cons_wdata <= {1'b0, cmd_abt ? ERR_ABT : ERR_ILL, cons[23:20], cons_hi | cptr};
                err_set    <= 1'b1;
                `SMMU_COUNT(cnt_errors, 1'b1);
                live       <= 1'b0;
            end else begin
                case (op)
                    OP_CFGI_STE, OP_CFGI_CD, OP_CFGI_CD_ALL: begin
                        cfgi_valid <= 1'b1;
                        cfgi_sid   <= dw0[63:32];
                        cfgi_mask  <= 32'hFFFF_FFFF;
                    end
                    OP_CFGI_STE_RANGE: begin
                        cfgi_valid <= 1'b1;
                        cfgi_sid   <= dw0[63:32];
                        cfgi_mask  <= rng_mask;
                    end
                    OP_TLBI_NH_ALL, OP_TLBI_NH_ASID, OP_TLBI_NH_VA, OP_TLBI_NH_VAA,
                    OP_TLBI_NSNH_ALL: begin
                        tlbi_valid <= 1'b1;
                        tlbi_op    <= op;
                        tlbi_asid  <= dw0[63:48];
                        tlbi_va    <= dw1[63:12];
                        tlbi_leaf  <= dw1[0];
                    end
                    OP_RESUME: begin
                        resume_valid <= 1'b1;
                        resume_sid   <= dw0[63:32];
                        resume_stag  <= dw1[15:0];
                        resume_resp  <= dw0[13:12];
                    end
                    OP_STALL_TERM: begin
                        stall_term_valid <= 1'b1;
                        stall_term_sid   <= dw0[63:32];
                    end
                    default: ;
                endcase
                if (op == OP_SYNC) begin
                    sync_wait <= 1'b1;
                    sync_cs   <= cs;
                end else begin
                    cptr       <= cptr_inc;
                    cons_we    <= 1'b1;
                    cons_wdata <= {cons[31:20], cons_hi | cptr_inc};
                    `SMMU_COUNT(cnt_cmds, 1'b1);
                end
            end
        end
        // a SYNC is checked from the cycle after it was taken: the invalidation
        // pulse of the command before it has reached its target by then, and
        // sync_block covers what that target still has in flight
        if (sync_wait && !sync_block) begin
            sync_wait  <= 1'b0;
            sync_irq   <= sync_cs == 2'd1;
            cptr       <= cptr_inc;
            cons_we    <= 1'b1;
            cons_wdata <= {cons[31:20], cons_hi | cptr_inc};
            `SMMU_COUNT(cnt_cmds, 1'b1);
        end
    end
end

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/, `make formal`, units:cmdq); no simulator or
// linter defines FORMAL. They hold for software that keeps PROD within the queue
// (PROD - CONS <= size), which the unit proof assumes; the whole-design runs do not
// constrain the register writes, so these are checked in the unit proof only.
`ifdef FORMAL
`ifdef SMMU_FORMAL_CMDQ_ENV
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
wire [19:0] f_c2f = (fptr - cptr) & ptr_msk;     // commands fetched or being fetched
wire [19:0] f_c2w = (wptr - cptr) & ptr_msk;     // commands in the buffer
wire [19:0] f_w2f = (fptr - wptr) & ptr_msk;     // commands requested, not yet received
wire [19:0] f_c2p = (prod_p - cptr) & ptr_msk;   // commands software has queued
always @* if (f_rst_seen && live) begin
    assert(((cptr | wptr | fptr) & ~ptr_msk) == 20'd0);     // queue pointers in range
    assert(f_c2f <= BUF_N);                                  // at most CMD_BUF between CONS and the fetch pointer
    assert(f_c2w <= f_c2f);                                  // cptr <= wptr <= fptr (mod the queue)
    assert(f_c2f <= f_c2p);                                  // never fetched past PROD
    assert(f_w2f == {14'd0, inflight} + (ar_pending ? {15'd0, ar_n} : 20'd0));
end
always @* if (f_rst_seen) begin
    assert(!half || inflight != 6'd0);                       // a command's first beat is counted in flight
    assert({14'd0, inflight} + (ar_pending ? {15'd0, ar_n} : 20'd0) <= BUF_N);
end
// the environment: the walker port returns beats only for requests made; while
// the queue is enabled software does not resize it (smmu_regs ignores CMDQ_BASE
// writes then), CONS changes only by this module's writes, and PROD only moves
// forward, at most one queue size ahead of CONS
reg [4:0]  f_log2size_q;
reg [19:0] f_prod_q, f_cons_q, f_cons_w_q;
reg        f_run_q = 1'b0, f_cons_we_q = 1'b0;
always @(posedge clk) begin
    f_log2size_q <= log2size;
    f_run_q      <= run;
    f_prod_q     <= prod_p;
    f_cons_q     <= cons[19:0];
    f_cons_we_q  <= cons_we;
    f_cons_w_q   <= cons_wdata[19:0];
end
always @* begin
    if (rd_rvalid) assume(inflight != 6'd0);
    assume(((prod_p - cons_p) & ptr_msk) <= idx_msk + 20'd1);
    if (f_run_q) begin
        assume(log2size == f_log2size_q);
        assume(cons[19:0] == (f_cons_we_q ? f_cons_w_q : f_cons_q));
        assume(((prod_p - f_prod_q) & ptr_msk) <= ((cons_p - f_prod_q) & ptr_msk) + idx_msk + 20'd1 ||
               prod_p == f_prod_q);
        assume(((prod_p - cptr) & ptr_msk) >= ((f_prod_q - cptr) & ptr_msk) || !live);
    end
end
`endif
`endif

endmodule

`resetall
