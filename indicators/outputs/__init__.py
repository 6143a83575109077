"""Files for people: figure exports, rendering, report packs, Word and PowerPoint, take-away."""
