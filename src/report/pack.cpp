// placeholder: the pack lands with its tests
