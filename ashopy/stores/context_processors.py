def store(request):
    return {"store": getattr(request, "store", None)}
