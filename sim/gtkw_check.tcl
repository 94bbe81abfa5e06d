# Headless GTKWave check used by `make waves HEADLESS=1`:
#   xvfb-run -a gtkwave -S sim/gtkw_check.tcl <dump.fst> sim/smmu.gtkw
# Verifies that every signal of the save file resolved in the dump, writes a
# screenshot to $GTKW_SHOT (if set) and exits (status 1 when signals are missing).
set save [lindex [list {*}[gtkwave::getSaveFileName]] 0]
set nsig 0
set ncom 0
set fh [open $save r]
while {[gets $fh line] >= 0} {
    if {[string match "smmu_top.*" $line]} { incr nsig }
    if {[string match "-*" $line]} { incr ncom }
}
close $fh
set ntr [gtkwave::getTotalNumTraces]
set missing [expr {$nsig + $ncom - $ntr}]
puts "GTKWAVE_CHECK save=$save facs=[gtkwave::getNumFacs] signals=$nsig resolved=[expr {$ntr - $ncom}] missing=$missing"
gtkwave::/Time/Zoom/Zoom_Full
if {[info exists ::env(GTKW_SHOT)] && $::env(GTKW_SHOT) ne ""} {
    gtkwave::/File/Grab_To_File $::env(GTKW_SHOT)
    puts "GTKWAVE_CHECK screenshot $::env(GTKW_SHOT)"
}
if {$missing > 0} {
    puts "GTKWAVE_CHECK FAIL: $missing signal(s) of the save file are not in the dump"
    exit 1
}
puts "GTKWAVE_CHECK OK"
gtkwave::/File/Quit
