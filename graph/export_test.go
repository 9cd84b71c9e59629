package graph

// HaveDirect tells the external tests whether this build has the direct
// call into Gorgonia's machine loop (not with the tag outgrad_runall).
const HaveDirect = haveDirect
