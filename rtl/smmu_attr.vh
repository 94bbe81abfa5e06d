/* verilator lint_off UNUSEDPARAM */
/* verilator lint_off UNUSEDSIGNAL */
// Output attributes (IHI 0070 chapter 13, AMBA mapping of 16.7.5), included inside modules.
// The rule, field by field, is in docs/architecture.md "Output attributes".
//
// Attribute transform X, carried with every decision (TLB entry, stage, pending entry):
//   [1:0]   DSH   stage-1 descriptor SH (00 NSH, 10 OSH, 11 ISH; 01 reserved = NSH)
//   [5:2]   S1C   stage-1 memory class from CD.MAIR[AttrIndx]: [5:4] 00 Device-nGnRnE,
//                 01 other Device, 10 Normal not iWB-oWB, 11 Normal iWB-oWB; [3:2] outer {RA, WA}
//   [6]     S1    1: stage-1 translation, 0: bypass (GBPA or STE)
//   [21:7]  OVR   the overrides of GBPA or of the STE (dword 1):
//                 [3:0] MemAttr [4] MTCFG [8:5] ALLOCCFG [10:9] SHCFG [12:11] PRIVCFG [14:13] INSTCFG
localparam AX_W    = 22;
localparam AX_S1   = 6;
localparam AX_OVR  = 7;
localparam OVR_W   = 15;
localparam AX_PIO  = AX_OVR + 11;   // {INSTCFG, PRIVCFG} (OVR[14:11]) in a transform

// PnU / InD of an access after the STE's PRIVCFG / INSTCFG (IHI 0070 13.4): pio = OVR[14:11] =
// {INSTCFG, PRIVCFG}; a 1x value sets the bit to x, 0x keeps the client's (smmu_perm, the
// records of smmu_cfg and smmu_xlt_tbl)
function automatic pio_pnu;
    input [3:0] f_pio;
    input       f_pnu;
    pio_pnu = f_pio[1] ? f_pio[0] : f_pnu;
endfunction
function automatic pio_ind;
    input [3:0] f_pio;
    input       f_ind;
    pio_ind = f_pio[3] ? f_pio[2] : f_ind;
endfunction

// 15-bit override bundle from GBPA (same field order as the STE's)
function automatic [OVR_W-1:0] gbpa_ovr;
    input [31:0] g;
    begin
        gbpa_ovr = {g[19:18], g[17:16], g[13:12], g[11:8], g[4], g[3:0]};
    end
endfunction

// stage-1 memory class of a MAIR attribute byte (Armv8 MAIR_ELx encoding)
function automatic [3:0] mair_class;
    input [7:0] m;
    reg o_wb, i_wb;
    begin
        o_wb = (m[7:6] == 2'b11) || (m[7:6] == 2'b01 && m[5:4] != 2'b00);
        i_wb = (m[3:2] == 2'b11) || (m[3:2] == 2'b01 && m[1:0] != 2'b00);
        if (m[7:4] == 4'd0)                        // Device: MAIR 0000dd00
            mair_class = {1'b0, m[3:2] != 2'b00, 2'b00};
        else
            mair_class = {1'b1, o_wb && i_wb, m[5:4]};
    end
endfunction

// {domain[1:0], AxCACHE[3:0], AxPROT[2:0]} of a client transaction under transform x
function automatic [8:0] attr_out;
    input [AX_W-1:0] x;
    input [3:0]      c;     // client AxCACHE
    input [2:0]      p;     // client AxPROT
    input            rnw;
    reg [3:0]  mt;
    reg [14:0] ov;
    reg        ra, wa, priv, inst;
    reg [1:0]  sh, cls;
    begin
        ov = x[AX_OVR +: OVR_W];
        // input memory type (16.7.5.1.1): Device-nGnRnE/nGnRE, iNC-oNC, iWT-oWT or iWB-oWB
        if (!c[1])
            mt = {3'b000, c[0]};
        else if (c[3:2] == 2'b00)
            mt = 4'b0101;
        else
            mt = c[0] ? 4'b1111 : 4'b1010;
        // hints of a cacheable input, else the defaults RA, WA (13.1.3)
        ra = (c[1] && c[3:2] != 2'b00) ? c[2] : 1'b1;
        wa = (c[1] && c[3:2] != 2'b00) ? c[3] : 1'b1;
        // replace (13.1.4): MTCFG/MemAttr (0100/1000/1100 behave as Device-nGnRnE), ALLOCCFG
        if (ov[4])
            mt = (ov[3:2] != 2'b00 && ov[1:0] == 2'b00) ? 4'b0000 : ov[3:0];
        if (ov[8])
            {ra, wa} = ov[7:6];
        sh   = ov[10:9];                               // 01 = use incoming = NSH (no input SH)
        priv = ov[12] ? ov[11] : p[0];
        inst = rnw && (ov[14] ? ov[13] : p[2]);        // writes are always Data
        if (x[AX_S1]) begin
            // 13.4.2: MT and SH from stage 1; RA/WA combined (no-allocate wins) when the
            // input to stage 1 is cacheable at the outer level, else stage 1's own
            cls = x[5:4];
            ra  = x[3] && (!mt[3] || ra);
            wa  = x[2] && (!mt[3] || wa);
            sh  = x[1:0];
        end else
            cls = (mt[3:2] == 2'b00) ? {1'b0, mt[1:0] != 2'b00} : ((mt == 4'b1111) ? 2'b11 : 2'b10);
        // AMBA output (16.7.5.2.1, Arm PE interpretation): only iWB-oWB is cacheable
        case (cls)
            2'b00:   attr_out = {2'b11, 4'b0000, inst, 1'b1, priv};
            2'b01:   attr_out = {2'b11, 4'b0001, inst, 1'b1, priv};
            2'b10:   attr_out = {2'b11, 4'b0011, inst, 1'b1, priv};
            default: attr_out = {(sh == 2'b11) ? 2'b01 : (sh == 2'b10) ? 2'b10 : 2'b00,
                                 wa || (!ra && !wa && rnw), ra || (!ra && !wa && !rnw), 2'b11,
                                 inst, 1'b1, priv};
        endcase
    end
endfunction

// {domain[1:0], AxCACHE[3:0]} of an access of the SMMU itself (13.8): Normal iWB-oWB is
// output write-back with the RA/WA hints, any other Normal type Non-cacheable System
function automatic [5:0] own_attr;
    input       i_wb;
    input       o_wb;
    input       ra;
    input       wa;
    input [1:0] sh;
    input       rnw;
    begin
        if (i_wb && o_wb)
            own_attr = {(sh == 2'b11) ? 2'b01 : (sh == 2'b10) ? 2'b10 : 2'b00,
                        wa || (!ra && !wa && rnw), ra || (!ra && !wa && !rnw), 2'b11};
        else
            own_attr = {2'b11, 4'b0011};
    end
endfunction
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on UNUSEDPARAM */
